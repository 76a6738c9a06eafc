package dev.suture.kernel.build;

import dev.suture.kernel.build.SpecialSection.Cut;
import dev.suture.kernel.build.SpecialSection.RunPre;
import dev.suture.kernel.build.SpecialSection.Site;
import java.util.List;
import java.util.Optional;

/**
 * The one table of the kernel's special sections (x86-64): every section Suture treats specially, once, with its
 * roles. Entry sizes and length fields are C expressions that {@link SpecialSectionLayout} evaluates once per
 * kernel against its headers; everything else here holds for every kernel Suture targets. Users: the run-pre
 * masks of a function's original code, the module's load-time check, and extraction (cut per entry or whole).
 */
public final class SpecialSections {
    /** Every section listed is one the module loader applies (module_finalize, ftrace, jump labels, ...). */
    private static final boolean LOAD = true;

    /** ftrace's call site; the run-pre check masks the 5-byte {@code call __fentry__} the kernel turns into a nop. */
    public static final SpecialSection MCOUNT = new SpecialSection("__mcount_loc", "sizeof(unsigned long)",
            "mcount_loc", Site.ABSOLUTE, new RunPre.Fixed(5), LOAD, Cut.PER_ENTRY);

    /**
     * In this order the run-pre masks are made (kept as it was, so a manifest's mask list does not move). The
     * paravirt expressions are macros of the probe: 0 (no such section) on a kernel without CONFIG_PARAVIRT.
     */
    public static final List<SpecialSection> ALL = List.of(
            MCOUNT,
            new SpecialSection(".altinstructions", "sizeof(struct alt_instr)", null, Site.RELATIVE,
                    new RunPre.LengthField("offsetof(struct alt_instr, instrlen)"), LOAD, Cut.PER_ENTRY),
            // An indirect call or jmp through a retpoline thunk: up to 6 bytes (a Jcc to the thunk).
            new SpecialSection(".retpoline_sites", "sizeof(s32)", null, Site.RELATIVE, new RunPre.Fixed(6), LOAD,
                    Cut.PER_ENTRY),
            // A jmp to the return thunk, rewritten to ret.
            new SpecialSection(".return_sites", "sizeof(s32)", null, Site.RELATIVE, new RunPre.Fixed(5), LOAD,
                    Cut.PER_ENTRY),
            // A lock prefix, nopped on a uniprocessor.
            new SpecialSection(".smp_locks", "sizeof(s32)", null, Site.RELATIVE, new RunPre.Fixed(1), LOAD,
                    Cut.PER_ENTRY),
            // An endbr64 the kernel seals (nothing branches to it indirectly). Sealing only hardens: a unit's list is
            // not carried, the patch's copies stay unsealed.
            new SpecialSection(".ibt_endbr_seal", "sizeof(s32)", null, Site.RELATIVE, new RunPre.Fixed(4), LOAD,
                    Cut.WHOLE),
            new SpecialSection("__jump_table", "sizeof(struct jump_entry)", "__jump_table", Site.RELATIVE,
                    new RunPre.Fixed(5), LOAD, Cut.PER_ENTRY),
            new SpecialSection(".static_call_sites", "sizeof(struct static_call_site)", "static_call_sites",
                    Site.RELATIVE, new RunPre.Fixed(5), LOAD, Cut.PER_ENTRY),
            new SpecialSection(".parainstructions", "SUTURE_PARAVIRT_SITE", null, Site.ABSOLUTE,
                    new RunPre.LengthField("SUTURE_PARAVIRT_LEN"), LOAD, Cut.PER_ENTRY),
            new SpecialSection("__bug_table", "sizeof(struct bug_entry)", null, Site.RELATIVE, RunPre.UNTOUCHED, LOAD,
                    Cut.PER_ENTRY),
            new SpecialSection("__ex_table", "sizeof(struct exception_table_entry)", null, Site.RELATIVE,
                    RunPre.UNTOUCHED, LOAD, Cut.PER_ENTRY),
            new SpecialSection(".call_sites", "sizeof(s32)", null, Site.RELATIVE, RunPre.UNTOUCHED, LOAD, Cut.PER_ENTRY),
            // The loader sorts the two ORC sections together.
            new SpecialSection(".orc_unwind_ip", "sizeof(int)", null, Site.RELATIVE, RunPre.UNTOUCHED, LOAD,
                    Cut.PER_ENTRY),
            new SpecialSection(".orc_unwind", "sizeof(struct orc_entry)", null, Site.NONE, RunPre.UNTOUCHED, LOAD,
                    new Cut.Parallel(".orc_unwind_ip")),
            // Code the loader runs or copies from while loading (init functions, alternatives' replacements).
            code(".altinstr_replacement"),
            code(".altinstr_aux"),
            code(".init.text"),
            code(".exit.text"));

    private SpecialSections() {
    }

    private static SpecialSection code(String name) {
        return new SpecialSection(name, null, null, Site.NONE, RunPre.UNTOUCHED, LOAD, Cut.WHOLE);
    }

    public static Optional<SpecialSection> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Whether the module loader applies a section of the patch module while it loads. Livepatch relocations to
     * vmlinux are applied before that (since Linux 5.8); those to a module only when livepatch sees the module.
     */
    public static boolean loadTime(String section) {
        return named(section).map(SpecialSection::loadTime).orElse(false);
    }
}
