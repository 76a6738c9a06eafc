package dev.suture.patch.safety;

import java.util.List;

/**
 * The module loader applies some sections of a module while it loads (jump labels, static calls, alternatives,
 * the exception table, ...), before livepatch resolves the patch's references to a module's symbols; and it
 * never relocates sections that are not loaded. A livepatch relocation in either place cannot be resolved.
 *
 * <p>This is the check on the linked module, for every fix; a diff's static branches are refused earlier, at
 * their lines ({@link ModuleStaticKeys}).
 */
public final class LoadTimeRules {
    private static final String JUMP_TABLE = "__jump_table";

    private LoadTimeRules() {
    }

    /**
     * The link-time check, for what the unit rules cannot see (a function file's code): a load-time section of
     * the linked module that still refers to a module's symbols.
     *
     * @param file     the fix, as refusals name it
     * @param section  the module section that refers to them
     * @param symbols  what it refers to, as {@code object:name}
     */
    public static Refusal refusal(String file, String section, List<String> symbols) {
        if (JUMP_TABLE.equals(section)) {
            return new Refusal(Refusal.Rule.LOAD_TIME_RELOCATION, file, 0,
                    "the new code has static branches on a module's keys (" + String.join(", ", symbols) + "): "
                            + Refusals.STATIC_KEY_WHY, Refusals.staticKeyRemedy(symbols.stream()
                            .map(s -> s.substring(s.indexOf(':') + 1)).toList()));
        }
        return new Refusal(Refusal.Rule.LOAD_TIME_RELOCATION, file, 0,
                "the patch refers to " + String.join(", ", symbols) + " from " + section
                        + ", which the kernel processes when the module loads, before livepatch can resolve it",
                "avoid static calls and alternatives on a module's own symbols in the new code");
    }
}
