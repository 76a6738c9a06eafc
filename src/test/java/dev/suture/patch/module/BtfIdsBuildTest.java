package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.elf.ElfFile;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.patch.source.FixSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A patched function that looks an ID up in a BTF ID set (kernel/bpf/bpf_lsm.c's bpf_lsm_verify_prog, the shape of
 * a real bpf_lsm fix) carries the unit's {@code .BTF_ids} section, and its sets hold the kernel's numbers: the ones
 * vmlinux has are the bytes of vmlinux's own copies, and the fix's new set is filled and sorted. Left as the
 * compiler wrote them they are zeros, and the patched check would reject every BPF LSM program.
 */
class BtfIdsBuildTest {
    private static final String FIX = """
            --- a/kernel/bpf/bpf_lsm.c
            +++ b/kernel/bpf/bpf_lsm.c
            @@ -114,6 +114,11 @@
             }
             #endif
             
            +BTF_SET_START(exec_hooks)
            +BTF_ID(func, bpf_lsm_bprm_check_security)
            +BTF_ID(func, bpf_lsm_bprm_committed_creds)
            +BTF_SET_END(exec_hooks)
            +
             int bpf_lsm_verify_prog(struct bpf_verifier_log *vlog,
             			const struct bpf_prog *prog)
             {
            @@ -138,6 +143,9 @@
             		return -EINVAL;
             	}
             
            +	if (btf_id_set_contains(&exec_hooks, btf_id))
            +		bpf_log(vlog, "attach_btf_id %u is an exec hook\\n", btf_id);
            +
             	return 0;
             }
             
            """;

    private static CachedKernel kernel;
    @TempDir
    Path dir;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void theModulesBtfIdSetsHoldTheKernelsNumbers() throws Exception {
        Path fix = dir.resolve("exec_hooks.diff");
        Files.writeString(fix, FIX);
        Path ko = dir.resolve("exec_hooks.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(fix), ko, false).orThrow();

        Map<String, byte[]> module = sets(ElfFile.read(Files.readAllBytes(ko)));
        Map<String, byte[]> vmlinux = sets(ElfFile.read(kernel.vmlinux()));
        assertThat(module).containsKeys("__BTF_ID__set__bpf_lsm_hooks", "__BTF_ID__set__exec_hooks");
        for (var set : module.entrySet()) {
            if (vmlinux.containsKey(set.getKey())) {
                assertThat(set.getValue()).as(set.getKey()).isEqualTo(vmlinux.get(set.getKey()));
            }
        }
        int[] hooks = ids(vmlinux.get("__BTF_ID__set__bpf_lsm_hooks"));
        int[] exec = ids(module.get("__BTF_ID__set__exec_hooks"));
        assertThat(hooks).hasSizeGreaterThan(100);
        assertThat(exec).hasSize(2).isSorted().doesNotContain(0);
        assertThat(Arrays.stream(exec).allMatch(id -> Arrays.binarySearch(hooks, id) >= 0)).as("exec hooks are LSM hooks").isTrue();
    }

    /** The BTF ID sets of an object by symbol name: each its count and sorted IDs, as the kernel reads them. */
    private static Map<String, byte[]> sets(ElfFile elf) {
        Section ids = elf.section(".BTF_ids").orElseThrow();
        int index = elf.indexOf(ids);
        byte[] data = ids.data();
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < elf.symbols().size(); i++) {
            Symbol s = elf.symbols().get(i);
            if (s.sectionIndex() == index && s.name().startsWith("__BTF_ID__set__")) {
                int at = (int) (s.value() - ids.addr());
                out.put(s.name(), Arrays.copyOfRange(data, at, at + (int) s.size()));
            }
        }
        return out;
    }

    private static int[] ids(byte[] set) {
        ByteBuffer b = ByteBuffer.wrap(set).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.getInt(0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt(4 + 4 * i);
        }
        return out;
    }
}
