package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Relocation;
import dev.suture.elf.RelocationSection;
import dev.suture.elf.Symbol;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.symbols.KernelExports;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.source.FixSource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a diff's new functions and data become in the patch module: one definition each, which every part of the
 * module (whichever kernel object it patches) reaches by a plain relocation, never a livepatch one; new static
 * helpers stay one per unit. The booted proof is catalogue cases 44 to 46.
 */
class NewGlobalsBuildTest {
    private static CachedKernel kernel;
    @TempDir
    Path dir;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void aFunctionAddedToVmlinuxAndCalledFromAModuleIsTheModulesOwnNotALivepatchRelocation() throws Exception {
        BuildOutcome.Built built = build(catalogue("45-new-vmlinux-helper-module-caller"));
        ElfFile ko = ElfFile.read(built.module());

        int helper = onlyDefinition(ko, "bprm_extension");
        assertThat(ko.symbols().get(helper).type()).isEqualTo(Elf.STT_FUNC);
        assertThat(ko.symbols().get(helper).isLocal()).isFalse();
        // The helper's own unit changes nothing else: it is there only because binfmt_misc's new code calls it.
        assertThat(built.units()).filteredOn(u -> u.unit().equals("fs/exec.c")).singleElement()
                .satisfies(u -> assertThat(u.decisions()).noneMatch(d -> d.function() && d.change() == ObjectDiff.Change.CHANGED));
        assertThat(callers(ko, helper)).containsExactly(".text.load_misc_binary");
        assertThat(klpRelocations(ko)).doesNotContain(helper);
        assertThat(built.livepatchSymbols()).allSatisfy(c -> {
            assertThat(c.object()).isEqualTo("binfmt_misc");
            assertThat(c.name()).isNotEqualTo("bprm_extension");
        });
    }

    @Test
    void aVariableAddedToOneUnitAndUsedByTwoIsOneVariableBothPointAt() throws Exception {
        BuildOutcome.Built built = build(catalogue("46-new-global-data-two-units"));
        ElfFile ko = ElfFile.read(built.module());

        int counter = onlyDefinition(ko, "uts_hostname_changes");
        assertThat(ko.symbols().get(counter).type()).isEqualTo(Elf.STT_OBJECT);
        assertThat(callers(ko, counter)).contains(".text.__x64_sys_sethostname", ".text.__ia32_sys_sethostname")
                .anyMatch(s -> s.endsWith("proc_do_uts_string"));
        assertThat(klpRelocations(ko)).doesNotContain(counter);
        assertThat(built.livepatchSymbols()).noneMatch(c -> c.name().equals("uts_hostname_changes"));
    }

    @Test
    void aNewStaticHelperOfTheSameNameInTwoUnitsStaysTwoEachCallerCallingItsOwn() throws Exception {
        BuildOutcome.Built built = build(resource("new-static-namesakes.diff"));
        ElfFile ko = ElfFile.read(built.module());

        List<Integer> copies = IntStream.range(1, ko.symbols().size()).boxed()
                .filter(i -> ko.symbols().get(i).name().equals("uts_check") && !ko.symbols().get(i).isUndefined()).toList();
        assertThat(copies).hasSize(2).allSatisfy(i -> assertThat(ko.symbols().get(i).isLocal()).isTrue());
        Set<Long> starts = new HashSet<>();
        copies.forEach(i -> starts.add(ko.symbols().get(i).value()));
        int section = ko.symbols().get(copies.getFirst()).sectionIndex();
        assertThat(ko.symbols().get(copies.getLast()).sectionIndex()).isEqualTo(section);
        assertThat(starts).hasSize(2);

        Set<Long> fromSys = callTargets(ko, ".rela.text.__x64_sys_sethostname", section);
        Set<Long> fromSysctl = callTargets(ko, ".rela.text.proc_do_uts_string", section);
        assertThat(fromSys).hasSize(1);
        assertThat(fromSysctl).hasSize(1).doesNotContainAnyElementsOf(fromSys);
        assertThat(starts).containsAll(fromSys).containsAll(fromSysctl);
    }

    @Test
    void twoUnitsAddingTheSameGlobalNameAreRefusedNamingBoth() throws Exception {
        Path fix = resource("new-global-twice.diff");

        assertThatThrownBy(() -> new PatchBuild(kernel, System.err).build(FixSource.read(fix), dir.resolve("twice.ko"), false))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("the fix adds a global 'uts_name_valid' to both kernel/sys.c and kernel/utsname_sysctl.c");
        assertThat(dir.resolve("twice.ko")).doesNotExist();
    }

    @Test
    void aNewSymbolStillUndefinedAfterTheLinkIsASutureBugNeverALivepatchRelocation() throws Exception {
        BuildOutcome.Built built = build(catalogue("46-new-global-data-two-units"));
        ElfFile ko = ElfFile.read(built.module());
        ko.symbols().add(Symbol.undefined("uts_hostname_renames", Elf.STT_OBJECT, Elf.STB_GLOBAL));
        SymbolResolver resolver = new SymbolResolver(KernelExports.of(kernel), new KernelObjects(kernel).vmlinux(), Map.of(), List.of(),
                List.of(), "fix.diff", Map.of(), Set.of("uts_hostname_renames"));

        assertThatThrownBy(() -> KlpConverter.convert(ko, resolver, "fix.diff"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not carry 'uts_hostname_renames'");
    }

    private BuildOutcome.Built build(Path fix) throws Exception {
        Path copy = dir.resolve(fix.getFileName());
        if (!Files.exists(copy)) {
            Files.copy(fix, copy);
        }
        return new PatchBuild(kernel, System.err).build(FixSource.read(copy), dir.resolve("fix.ko"), false).orThrow();
    }

    private static Path catalogue(String name) {
        return FunctionFileBuildTest.repo().resolve("bench/catalogue/cases/" + name + "/fix.diff");
    }

    private Path resource(String name) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream in = NewGlobalsBuildTest.class.getResourceAsStream(name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /** The index of the one symbol of that name, which must be defined in the module. */
    private static int onlyDefinition(ElfFile ko, String name) {
        List<Integer> named = IntStream.range(1, ko.symbols().size()).boxed()
                .filter(i -> ko.symbols().get(i).name().equals(name)).toList();
        assertThat(named).as("symbols named " + name).hasSize(1);
        assertThat(ko.symbols().get(named.getFirst()).isUndefined()).as(name + " is defined").isFalse();
        return named.getFirst();
    }

    /** The sections whose plain (module loader) relocations refer to the symbol, code only. */
    private static Set<String> callers(ElfFile ko, int symbol) {
        Set<String> sections = new HashSet<>();
        for (RelocationSection rela : ko.relocationSections()) {
            if (!rela.section().name().startsWith(".klp.rela.") && rela.target().hasFlags(Elf.SHF_EXECINSTR)
                    && rela.list().stream().anyMatch(r -> r.symbol() == symbol)) {
                sections.add(rela.target().name());
            }
        }
        return sections;
    }

    /** The symbols livepatch relocations refer to. */
    private static Set<Integer> klpRelocations(ElfFile ko) {
        Set<Integer> symbols = new HashSet<>();
        for (RelocationSection rela : ko.relocationSections()) {
            if (rela.section().name().startsWith(".klp.rela.")) {
                rela.list().forEach(r -> symbols.add(r.symbol()));
            }
        }
        return symbols;
    }

    /** Where the PC-relative relocations of one section lead within {@code section} (a call's target). */
    private static Set<Long> callTargets(ElfFile ko, String relaSection, int section) {
        Set<Long> targets = new HashSet<>();
        for (RelocationSection rela : ko.relocationSections()) {
            if (!rela.section().name().equals(relaSection)) {
                continue;
            }
            for (Relocation r : rela.list()) {
                Symbol s = ko.symbols().get(r.symbol());
                if (s.sectionIndex() == section && r.typeName().contains("PC32")) {
                    targets.add(s.value() + r.addend() + 4);
                }
            }
        }
        return targets;
    }
}
