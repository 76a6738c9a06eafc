package dev.suture.kernel.build;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.Progress;
import dev.suture.kernel.debian.DebianPackageIndex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What kbuild's .cmd file of a unit says about it, and a patched unit compiled beside the pristine tree. */
class UnitCompilerTest {
    /** The default kernel's source, prepared (fetched on the first run). */
    private static SourceTree preparedTree() {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        return new KernelSource(DebianPackageIndex.system(), Progress.plain(System.err)).prepare(kernel);
    }

    @Test
    void aModuleUnitIsNamedByItsModuleAndExportsKeepTheirCrcs(@TempDir Path dir) throws Exception {
        Path cmd = dir.resolve(".xfs_stats.o.cmd");
        Files.writeString(cmd, "cmd_fs/xfs/xfs_stats.o := gcc-12 -Wp,-MMD -DMODULE -DKBUILD_BASENAME='\"xfs_stats\"'"
                + " -DKBUILD_MODNAME='\"xfs\"' -D__KBUILD_MODNAME=kmod_xfs -c -o fs/xfs/xfs_stats.o fs/xfs/xfs_stats.c\n"
                + "#SYMVER xfs_stats_format 0x1234abcd\n");
        assertThat(UnitCompiler.moduleOf(cmd)).contains("xfs");
        assertThat(UnitCompiler.symbolVersions(cmd)).containsExactlyEntriesOf(Map.of("xfs_stats_format", "0x1234abcd"));
        Files.writeString(cmd, "cmd_kernel/panic.o := gcc-12 -DKBUILD_MODNAME='\"panic\"' -c -o kernel/panic.o kernel/panic.c\n");
        assertThat(UnitCompiler.moduleOf(cmd)).isEmpty();
    }

    @Test
    void aReplacedFileIsCompiledWithoutTouchingThePristineTree(@TempDir Path dir) throws Exception {
        SourceTree tree = preparedTree();
        String unit = "fs/proc/version.c";
        String pristine = Files.readString(tree.source().resolve(unit));
        String patched = pristine.replace("static int version_proc_show", "static int __attribute__((used)) suture_probe_marker(void) { return 42; }\nstatic int version_proc_show");
        List<UnitCompiler.Compiled> out = new UnitCompiler(tree, "patched").compile(List.of(unit), Map.of(unit, patched), dir);
        assertThat(out).singleElement().satisfies(c -> {
            assertThat(c.module()).isEmpty();
            assertThat(new String(Files.readAllBytes(c.object()), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .contains("suture_probe_marker").contains(".text.version_proc_show");
        });
        assertThat(Files.readString(tree.source().resolve(unit))).isEqualTo(pristine);
        assertThat(tree.build().resolveSibling("work-patched").resolve(unit)).as("the replaced file is cleaned up").doesNotExist();
    }

    @Test
    void aUnitThatBakesInTheBuildsIdentityCompilesToTheSameBytesEachTime(@TempDir Path dir) throws Exception {
        SourceTree tree = preparedTree();
        // init_uts_ns holds UTS_VERSION: kbuild alone would count the build number up and stamp the time of day.
        String unit = "init/version-timestamp.c";
        UnitCompiler compiler = new UnitCompiler(tree, "patched");
        byte[] first = Files.readAllBytes(compiler.compile(List.of(unit), Map.of(), dir.resolve("a")).getFirst().object());
        byte[] second = Files.readAllBytes(compiler.compile(List.of(unit), Map.of(), dir.resolve("b")).getFirst().object());
        assertThat(utsVersionIn(first)).as("the build number and stamp are the target's")
                .isEqualTo("#1 SMP PREEMPT_DYNAMIC Debian " + tree.version());
        assertThat(utsVersionIn(second)).isEqualTo(utsVersionIn(first));
        assertThat(java.util.Arrays.equals(first, second)).as("the two objects are byte for byte the same").isTrue();
    }

    /** The NUL-terminated UTS_VERSION string in an object's bytes: it starts with '#' and a build number. */
    private static String utsVersionIn(byte[] object) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("#\\d+ [^\\x00]*")
                .matcher(new String(object, java.nio.charset.StandardCharsets.ISO_8859_1));
        return m.find() ? m.group() : "";
    }

    @Test
    void aReplacedUnitBelowItsMakefileStillFindsTheHeadersBesideIt(@TempDir Path dir) throws Exception {
        SourceTree tree = preparedTree();
        // Built by security/selinux/Makefile, so kbuild's -I names security/selinux, not ss/ where "context.h" is.
        String unit = "security/selinux/ss/services.c";
        String patched = Files.readString(tree.source().resolve(unit)) + "\n/* replaced */\n";
        List<UnitCompiler.Compiled> out = new UnitCompiler(tree, "patched").compile(List.of(unit), Map.of(unit, patched), dir);
        assertThat(out).singleElement().satisfies(c -> assertThat(c.object()).isRegularFile());
    }

    @Test
    void aReplacedPrivateHeaderReachedThroughAMakefilesIncludePathIsTheOneCompiled(@TempDir Path dir) throws Exception {
        SourceTree tree = preparedTree();
        // ss/services.c finds "security.h" through security/selinux/Makefile's -I of security/selinux/include, and
        // "conditional.h" beside it in ss/, though include/ has a conditional.h of its own.
        String unit = "security/selinux/ss/services.c";
        String header = "security/selinux/include/security.h";
        String patchedHeader = Files.readString(tree.source().resolve(header))
                .replace("#define _SELINUX_SECURITY_H_", "#define _SELINUX_SECURITY_H_\n#define SUTURE_PATCHED_HEADER 42");
        String patchedUnit = Files.readString(tree.source().resolve(unit))
                + "\nint __attribute__((used)) suture_header_seen = SUTURE_PATCHED_HEADER;\n";
        assertThat(patchedHeader).contains("SUTURE_PATCHED_HEADER");

        List<UnitCompiler.Compiled> out = new UnitCompiler(tree, "patched")
                .compile(List.of(unit), Map.of(unit, patchedUnit, header, patchedHeader), dir);

        assertThat(out).singleElement().satisfies(c -> assertThat(
                new String(Files.readAllBytes(c.object()), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("suture_header_seen"));
        assertThat(tree.build().resolveSibling("work-patched").resolve(header)).as("the replaced header is cleaned up").doesNotExist();
    }

    @Test
    void aUnitOfADirectoryBuiltOnlyInPartIsNotCompilableButItsNeighbourIs() throws Exception {
        SourceTree tree = preparedTree();
        // fs/proc/Makefile builds nommu.c only without CONFIG_MMU; this kernel's nommu.c does not even compile.
        List<String> units = List.of("fs/proc/nommu.c", "fs/proc/version.c");
        assertThat(new UnitCompiler(tree, UnitCompiler.ORIGINAL).compilablePristine(units)).containsExactly("fs/proc/version.c");
    }

    @Test
    void aReplacedUnitsDirectoryIsNoIncludeDirectoryForTheUnitsOfOtherDirectories(@TempDir Path dir) throws Exception {
        SourceTree tree = preparedTree();
        // kernel/ has an audit.h; selinux's hooks.c means its own include directory's "audit.h".
        String replaced = "kernel/stop_machine.c";
        String patched = Files.readString(tree.source().resolve(replaced)) + "\n/* replaced */\n";
        List<String> units = List.of(replaced, "security/selinux/hooks.c");

        List<UnitCompiler.Compiled> out = new UnitCompiler(tree, "patched").compile(units, Map.of(replaced, patched), dir);

        assertThat(out).extracting(UnitCompiler.Compiled::unit).containsExactlyElementsOf(units);
        assertThat(UnitCompiler.byDirectory(List.of("kernel/stop_machine.o", "security/selinux/hooks.o", "kernel/cpu.o"),
                java.util.Set.of(replaced))).containsExactly(Map.entry("kernel", List.of("kernel/stop_machine.o")),
                Map.entry("", List.of("security/selinux/hooks.o", "kernel/cpu.o")));
    }

    @Test
    void whatAKilledRunListedAndLeftBehindIsRemovedBeforeTheNextCompiles(@TempDir Path dir) throws Exception {
        SourceTree tree = preparedTree();
        Path work = tree.build().resolveSibling("work-patched");
        // A run killed while its patched fs/proc/cmdline.c was in place: the copy would shadow the tree's.
        Path stale = work.resolve("fs/proc/cmdline.c");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "#error stale replaced file\n");
        dev.suture.Json.writeAtomically(work.resolve(".suture-written"), List.of(stale.toString()));

        String unit = "fs/proc/cmdline.c";
        List<UnitCompiler.Compiled> out = new UnitCompiler(tree, "patched").compile(List.of(unit), Map.of(), dir);
        assertThat(out).singleElement().satisfies(c -> assertThat(c.object()).isRegularFile());
        assertThat(stale).doesNotExist();
        assertThat(work.resolve(".suture-written")).doesNotExist();
    }
}
