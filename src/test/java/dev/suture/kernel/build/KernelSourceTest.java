package dev.suture.kernel.build;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.Progress;
import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Relocation;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact source of the default kernel, prepared once, rebuilds its units function for function as Debian
 * built them (apart from relocated fields), and compiling a unit leaves the cached tree untouched.
 */
class KernelSourceTest {
    private static CachedKernel kernel;
    private static SourceTree tree;

    @BeforeAll
    static void prepare() {
        kernel = Kernels.resolve(null, System.err);
        tree = new KernelSource(DebianPackageIndex.system(), Progress.plain(System.err)).prepare(kernel);
    }

    @Test
    void treeIsTheKernelsVersionConfiguredWithItsOwnConfig() throws Exception {
        String makefile = Files.readString(tree.source().resolve("Makefile"));
        String upstream = kernel.info().version().replaceFirst("-.*", "");
        String[] v = upstream.split("\\.");
        assertThat(makefile).contains("VERSION = " + v[0] + "\n").contains("PATCHLEVEL = " + v[1] + "\n")
                .contains("SUBLEVEL = " + v[2] + "\n");
        assertThat(Files.readString(tree.build().resolve(".config")))
                .contains("CONFIG_BUILD_SALT=\"" + kernel.info().release() + "\"");
        assertThat(tree.build().resolve("include/generated/autoconf.h")).isRegularFile();
        assertThat(KernelSource.find(kernel)).contains(tree);
    }

    @Test
    void unitsRebuildFunctionForFunctionAsInTheKernel(@TempDir Path dir) throws Exception {
        KernelSymbols vmlinuxSymbols = KernelSymbols.ofVmlinux(kernel.vmlinux());
        ElfFile vmlinux = ElfFile.read(kernel.vmlinux());
        int compared = 0;
        for (String unit : List.of("fs/proc/cmdline.c", "fs/proc/loadavg.c", "kernel/panic.c")) {
            Path object = KernelSource.compileUnit(tree, unit, dir.resolve("out"));
            assertThat(object).isRegularFile();
            compared += compareFunctions(ElfFile.read(Files.readAllBytes(object)), vmlinux, vmlinuxSymbols,
                    Path.of(unit).getFileName().toString());
        }
        assertThat(compared).as("functions compared").isGreaterThan(20);
        assertThat(tree.source().resolve("fs/proc/cmdline.o")).as("the pristine tree stays clean").doesNotExist();
        assertThat(tree.build().resolve("fs/proc/cmdline.o")).as("the prepared tree stays clean").doesNotExist();
    }

    @Test
    void aVersionWithoutPublishedSourceIsRefused() {
        DebianPackageIndex noSource = DebianPackageIndex.of(DebianPackageIndex.system().packages(kernel.release())
                .map(p -> List.of(p.image(), p.headers(), p.headersCommon(), p.kbuild().kbuild(), p.dbg())).orElseThrow());
        CachedKernel other = new CachedKernel(kernel.dir().resolveSibling("no-such-dir"), kernel.info());
        assertThatThrownBy(() -> new KernelSource(noSource, Progress.plain(System.err)).prepare(other))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("Debian publishes no linux-source-6.1 of version " + kernel.info().version())
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("list-available"));
    }

    /** Each function of the unit's object equals the same function in vmlinux outside relocated fields. */
    private static int compareFunctions(ElfFile object, ElfFile vmlinux, KernelSymbols symbols, String file) {
        int compared = 0;
        for (Symbol s : object.symbols()) {
            // A __weak default may be overridden by another unit's definition in vmlinux: not this unit's code.
            if (s.type() != Elf.STT_FUNC || s.size() == 0 || s.isUndefined() || s.bind() == Elf.STB_WEAK) {
                continue;
            }
            List<KernelSymbol> linked = symbols.named(s.name()).stream()
                    .filter(k -> k.function() && (k.global() || k.file().equals(file))).toList();
            assertThat(linked).as(s.name() + " in vmlinux").hasSize(1);
            KernelSymbol k = linked.getFirst();
            assertThat(k.size()).as(s.name() + " size").isEqualTo(s.size());
            Section text = object.section(s.sectionIndex());
            byte[] built = java.util.Arrays.copyOfRange(text.data(), (int) s.value(), (int) (s.value() + s.size()));
            byte[] shipped = bytesAt(vmlinux, k.address(), (int) k.size());
            boolean[] relocated = new boolean[built.length];
            object.relocationsFor(text).ifPresent(rela -> {
                for (Relocation r : rela.list()) {
                    long at = r.offset() - s.value();
                    for (int i = 0; i < (r.type() == 1 ? 8 : 4); i++) {
                        if (at + i >= 0 && at + i < built.length) {
                            relocated[(int) (at + i)] = true;
                        }
                    }
                }
            });
            List<Integer> differences = new ArrayList<>();
            for (int i = 0; i < built.length; i++) {
                if (!relocated[i] && built[i] != shipped[i]) {
                    differences.add(i);
                }
            }
            assertThat(differences).as(file + ":" + s.name() + " differs from vmlinux at").isEmpty();
            compared++;
        }
        return compared;
    }

    private static byte[] bytesAt(ElfFile elf, long address, int size) {
        for (Section s : elf.sections()) {
            if (!s.isNoBits() && s.addr() != 0 && address >= s.addr() && address + size <= s.addr() + s.size()) {
                byte[] out = new byte[size];
                s.buffer().get((int) (address - s.addr()), out);
                return out;
            }
        }
        throw new AssertionError("no section holds 0x" + Long.toHexString(address));
    }
}
