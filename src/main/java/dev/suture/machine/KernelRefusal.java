package dev.suture.machine;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import java.io.IOException;
import java.util.Optional;

/**
 * Why the kernel refused to load a patch module, in words a user can act on. The two refusals another command
 * on the same machine causes get one line each: a module of that name is loaded already (EEXIST), and another
 * livepatch is in transition (EBUSY). Anything else is shown with the kernel log lines the load itself caused.
 */
final class KernelRefusal {
    /** Separates insmod's own words from the kernel log lines after it in the load command's output. */
    static final String LOG_MARK = "@@suture kernel log@@";

    private KernelRefusal() {
    }

    static SutureException explain(Channel channel, String name, Optional<ModuleIdentity> ours, String output)
            throws IOException {
        int mark = output.indexOf(LOG_MARK);
        String said = oneLine(mark < 0 ? output : output.substring(0, mark));
        String log = mark < 0 ? "" : output.substring(mark + LOG_MARK.length()).strip();
        String build = ours.map(i -> "build " + i.brief()).orElse("this build");
        if (said.contains("File exists")) {
            LoadedModule there = LoadedModule.read(channel, name);
            if (there.is(ours) && !(there instanceof LoadedModule.Absent)) {
                return new SutureException("patch " + name + " (" + build + ") is already loaded on " + channel.describe()
                        + "; nothing more was loaded", "see " + Remedy.suture(channel, "status"));
            }
            return new SutureException("another module named " + name + " is loaded on " + channel.describe() + " ("
                    + there.describe() + ", not " + build + "); Suture left it alone and loaded nothing",
                    "if it is an edition of yours, revert it with " + Remedy.suture(channel, "revert", name) + " and apply again");
        }
        if (said.contains("Device or resource busy")) {
            Optional<LivepatchState.Patch> moving = LivepatchState.read(channel).patches().stream()
                    .filter(LivepatchState.Patch::inTransition).findFirst();
            if (moving.isPresent()) {
                return new SutureException("the kernel refused patch " + name + ": patch " + moving.get().name()
                        + " is in transition on " + channel.describe() + " and the kernel runs one transition at a time;"
                        + " nothing was loaded", "wait for it (suture status) and apply again");
            }
        }
        return new SutureException("the kernel refused patch " + name + ": " + said
                + (log.isEmpty() ? "" : "\nkernel log:\n" + log.indent(2).stripTrailing()), "see the kernel log lines above");
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\n\\s*", "; ");
    }
}
