package dev.suture.patch.safety;

import java.util.List;

/**
 * The module loader applies some sections of a module while it loads (jump labels, static calls, alternatives,
 * the exception table, ...), before livepatch resolves the patch's references to a module's symbols; and it
 * never relocates sections that are not loaded. A livepatch relocation in either place cannot be resolved.
 */
public final class LoadTimeRules {
    private LoadTimeRules() {
    }

    /**
     * @param file     the fix, as refusals name it
     * @param section  the module section that refers to them
     * @param symbols  what it refers to, as {@code object:name}
     */
    public static Refusal refusal(String file, String section, List<String> symbols) {
        return new Refusal(Refusal.Rule.LOAD_TIME_RELOCATION, file, 0,
                "the patch refers to " + String.join(", ", symbols) + " from " + section
                        + ", which the kernel processes when the module loads, before livepatch can resolve it",
                "avoid static keys, static calls and alternatives on a module's own symbols in the new code");
    }
}
