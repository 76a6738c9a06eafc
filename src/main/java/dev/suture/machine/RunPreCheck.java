package dev.suture.machine;

import dev.suture.channel.Channel;

import dev.suture.SutureException;
import dev.suture.elf.ElfSegments;
import dev.suture.manifest.PatchManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies that the running code of every function a patch replaces is the code the patch was built against
 * (Ksplice's run-pre matching): addresses from {@code /proc/kallsyms}, bytes from {@code /proc/kcore},
 * compared outside the ranges the manifest marks as rewritten at run time.
 */
final class RunPreCheck {
    private static final int BLOCK = 4096;
    private final Channel channel;

    RunPreCheck(Channel channel) {
        this.channel = channel;
    }

    /** What was checked: function and result, for the report. */
    record Checked(String object, String name, String result) {
    }

    List<Checked> verify(PatchManifest manifest) throws IOException {
        List<PatchManifest.Function> functions = manifest.functions().stream().filter(f -> f.code() != null).toList();
        List<Checked> checked = new ArrayList<>();
        if (functions.isEmpty()) {
            return checked;
        }
        String names = String.join("|", functions.stream().map(PatchManifest.Function::name).distinct().toList());
        List<String> kallsyms = channel.run("grep -E ' [tTwW] (" + names + ")([[:space:]]|$)' /proc/kallsyms; exit 0")
                .output().lines().toList();
        List<ElfSegments.Segment> segments = null;
        for (PatchManifest.Function f : functions) {
            List<Long> addresses = new ArrayList<>();
            for (String line : kallsyms) {
                String[] p = line.split("\\s+");
                boolean inModule = p.length > 3;
                String owner = inModule ? p[3].replaceAll("[\\[\\]]", "") : "vmlinux";
                if (p.length >= 3 && p[2].equals(f.name()) && owner.equals(f.object())) {
                    addresses.add(Long.parseUnsignedLong(p[0], 16));
                }
            }
            if (addresses.isEmpty()) {
                checked.add(new Checked(f.object(), f.name(), f.object().equals("vmlinux")
                        ? "not found in kallsyms" : "module not loaded: livepatch patches it when it loads"));
                if (f.object().equals("vmlinux")) {
                    throw mismatch(manifest, f, "the running kernel has no function of that name");
                }
                continue;
            }
            if (addresses.getFirst() == 0) {
                throw new SutureException("cannot verify the running code: /proc/kallsyms hides addresses on "
                        + channel.describe(), "run as root (and with kernel.kptr_restrict below 2)");
            }
            int index = f.position() == 0 ? 0 : f.position() - 1;
            if (index >= addresses.size() || (f.position() == 0 && addresses.size() > 1)) {
                throw mismatch(manifest, f, "the running kernel has " + addresses.size() + " functions of that name");
            }
            if (segments == null) {
                segments = ElfSegments.parse(read(0, 16 * BLOCK));
            }
            byte[] original = java.util.Base64.getDecoder().decode(f.code());
            long address = addresses.get(index);
            ElfSegments.Segment segment = ElfSegments.find(segments, address, original.length).orElseThrow(() ->
                    new SutureException("cannot read the running code of " + f.name() + " from /proc/kcore",
                            "run as root on a kernel with /proc/kcore"));
            long fileOffset = segment.offset() + (address - segment.vaddr());
            long first = fileOffset / BLOCK;
            byte[] blocks = read(first, (int) ((fileOffset + original.length - first * BLOCK + BLOCK - 1) / BLOCK) * BLOCK);
            int from = (int) (fileOffset - first * BLOCK);
            byte[] running = java.util.Arrays.copyOfRange(blocks, from, from + original.length);
            int diff = f.firstDifference(running);
            if (diff >= 0) {
                throw mismatch(manifest, f, String.format("at +0x%x the patch expects %s but the kernel runs %s", diff,
                        hex(original, diff), hex(running, diff)));
            }
            checked.add(new Checked(f.object(), f.name(), "matches"));
        }
        return checked;
    }

    private byte[] read(long firstBlock, int length) throws IOException {
        int count = (length + BLOCK - 1) / BLOCK;
        return channel.readCommand("dd if=/proc/kcore bs=" + BLOCK + " skip=" + firstBlock + " count=" + count + " 2>/dev/null");
    }

    private SutureException mismatch(PatchManifest manifest, PatchManifest.Function f, String detail) {
        return new RunPreMismatch("run-pre check: the running code of " + f.object() + ":" + f.name()
                + " is not the code patch " + manifest.name() + " was built against (" + detail + "); nothing was loaded",
                "the machine runs different code (another build, or code changed by something else): build the fix against it");
    }

    private static String hex(byte[] bytes, int at) {
        int to = Math.min(bytes.length, at + 8);
        return at >= bytes.length ? "(end)" : HexFormat.ofDelimiter(" ").formatHex(bytes, at, to);
    }
}
