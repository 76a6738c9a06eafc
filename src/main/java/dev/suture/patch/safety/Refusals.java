package dev.suture.patch.safety;

/**
 * The wording of every refusal, whichever front-end (function file or diff) or build step found it: one
 * finding and one remedy per rule, so a rule reads the same wherever it fires.
 */
final class Refusals {
    private Refusals() {
    }

    /** {@code kind}: {@code __init} or {@code __exit}, as {@link #initKind} tells. */
    static Refusal initCode(String file, int line, String function, String kind) {
        return new Refusal(Refusal.Rule.INIT_CODE, file, line,
                function + " is " + kind
                        + " code: it ran at boot or module load (and was freed), so patching it changes nothing",
                "change what the init code set up in the functions that use it, or apply the fix at the next reboot");
    }

    /** {@code why}: noinstr, entry code, or why no call site exists. */
    static Refusal notrace(String file, int line, String function, String why) {
        return new Refusal(Refusal.Rule.NOTRACE, file, line,
                function + " cannot be redirected by livepatch: it has no ftrace call site (" + why + ")",
                "make the change in a traceable caller of " + function + " instead");
    }

    /** {@code __init} or {@code __exit} for code in the sections the kernel frees after use, else empty. */
    static java.util.Optional<String> initKind(String section) {
        return section.startsWith(".init.") ? java.util.Optional.of("__init")
                : section.startsWith(".exit.") ? java.util.Optional.of("__exit") : java.util.Optional.empty();
    }
}
