package dev.suture.machine;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;
import java.io.IOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files that several Suture commands may write at once (a patch module of one name, say) are written under a
 * name of their own first and then renamed into place: rename(2) replaces the target in one step, so a reader
 * sees one whole file or the other, never a mixture or a half-written one.
 */
final class Staging {
    private Staging() {
    }

    /** Random enough that two commands, on any hosts, never pick the same staging name. */
    static String token() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static void moveIntoPlace(Channel channel, String staged, String target) throws IOException {
        Channel.CommandResult mv = channel.run("mv -f " + ShellQuote.quote(staged) + " " + ShellQuote.quote(target) + " 2>&1");
        if (!mv.ok()) {
            throw new SutureException("could not move " + staged + " to " + target + " on " + channel.describe()
                    + ": " + mv.output().strip(), "check the space and permissions of " + target + "'s directory");
        }
    }
}
