package dev.suture.patch.safety;

import java.util.List;

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

    /** Why a static branch on a module's key cannot be carried by a patch module. */
    static final String STATIC_KEY_WHY = "the kernel files a module's static branches under their keys as it loads"
            + " the module, and the patch module's can reach another module's key only later, when livepatch resolves"
            + " its references";

    /** {@code key} of {@code module}, used by a static branch (or a tracepoint) in the new {@code function}. */
    static Refusal staticKey(String file, int line, String function, String key, String module) {
        String what = key.startsWith("__tracepoint_")
                ? "calls tracepoint " + key.substring("__tracepoint_".length()) + " of module " + module + ", a static branch on its key " + key
                : "has a static branch on " + key + ", a static key of module " + module;
        return new Refusal(Refusal.Rule.LOAD_TIME_RELOCATION, file, line,
                "the new " + function + " " + what + ": " + STATIC_KEY_WHY, staticKeyRemedy(List.of(key)));
    }

    /** {@code count} dynamic-debug prints (pr_debug, dev_dbg, ...) of {@code module} in the new {@code function}. */
    static Refusal debugPrints(String file, int line, String function, int count, String module) {
        return new Refusal(Refusal.Rule.LOAD_TIME_RELOCATION, file, line,
                "the new " + function + " has " + (count == 1 ? "a debug print" : count + " debug prints")
                        + " (pr_debug, dev_dbg, ...) whose dynamic-debug descriptors and static keys are module " + module
                        + "'s: " + STATIC_KEY_WHY,
                "leave the debug prints out of the changed code, or make them plain printk()s");
    }

    /** Read the keys as variables instead; a tracepoint has no such form, so it stays out of the new code. */
    static String staticKeyRemedy(List<String> keys) {
        List<String> tracepoints = keys.stream().filter(k -> k.startsWith("__tracepoint_"))
                .map(k -> "trace_" + k.substring("__tracepoint_".length()) + "()").toList();
        List<String> plain = keys.stream().filter(k -> !k.startsWith("__tracepoint_")).toList();
        List<String> remedies = new java.util.ArrayList<>();
        if (!plain.isEmpty()) {
            remedies.add("in the changed code, test " + plain.stream().map(k -> "static_key_enabled(&" + k + ")")
                    .collect(java.util.stream.Collectors.joining(", ")) + " (a plain read of the key) instead of"
                    + " static_branch_likely/unlikely() or a helper built on them");
        }
        if (!tracepoints.isEmpty()) {
            remedies.add("leave " + String.join(", ", tracepoints) + " out of the changed code");
        }
        return String.join("; ", remedies);
    }

    /** Names at most this many callers of a deleted function; the rest are counted. */
    private static final int CALLERS_SHOWN = 4;

    /** {@code callers}: what in the running kernel, outside the replaced functions, still refers to the function. */
    static Refusal deletedFunction(String file, int line, String function, List<String> callers) {
        String shown = String.join(", ", callers.subList(0, Math.min(CALLERS_SHOWN, callers.size())))
                + (callers.size() > CALLERS_SHOWN ? " and " + (callers.size() - CALLERS_SHOWN) + " more" : "");
        boolean one = callers.size() == 1;
        return new Refusal(Refusal.Rule.DELETED_FUNCTION, file, line,
                "the fix deletes " + function + ", but the running kernel keeps it, and " + shown
                        + (one ? " still calls or points to it" : " still call or point to it")
                        + " without being changed by the fix",
                "keep " + function + " (it may become unused), or change " + (one ? "that caller" : "those callers")
                        + " in the fix too");
    }

    /** {@code __init} or {@code __exit} for code in the sections the kernel frees after use, else empty. */
    static java.util.Optional<String> initKind(String section) {
        return section.startsWith(".init.") ? java.util.Optional.of("__init")
                : section.startsWith(".exit.") ? java.util.Optional.of("__exit") : java.util.Optional.empty();
    }
}
