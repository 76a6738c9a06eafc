package dev.suture.machine;

import dev.suture.channel.Channel;

/**
 * A Suture command a message suggests, written for the machine it is about: pasted as printed, it acts there
 * and not on this host ({@code --target} is left out only for this host, the default), and reaches it as the
 * command that printed it did (an SSH machine's {@code --known-hosts}, {@code --identity}... repeated).
 */
public final class Remedy {
    private Remedy() {
    }

    /** {@code 'suture VERB --target MACHINE ARGS'}, quoted as messages quote commands. */
    public static String suture(Channel machine, String verb, String... args) {
        StringBuilder command = new StringBuilder("'suture ").append(verb);
        if (!"local".equals(machine.describe())) {
            command.append(" --target ").append(machine.describe());
            machine.targetOptions().forEach(word -> command.append(' ').append(word));
        }
        for (String arg : args) {
            command.append(' ').append(arg);
        }
        return command.append('\'').toString();
    }
}
