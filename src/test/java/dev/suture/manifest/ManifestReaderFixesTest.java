package dev.suture.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Section;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest's account of what a patch fixes: written and read back the same, absent in manifests of older builds
 * (which still read, fixing nothing known), and refused when status or a fleet's metrics would show it wrongly.
 */
class ManifestReaderFixesTest {
    @TempDir
    Path dir;

    private static PatchManifest manifest(Fixes fixes) {
        return new PatchManifest(PatchManifest.FORMAT, "suture_cmdline", "6.1.0-57-cloud-amd64", "ab12", "cmdline.c",
                "00", Instant.parse("2026-01-02T03:04:05Z"), false,
                List.of(new PatchManifest.Function("vmlinux", "cmdline_proc_show", 0, "patched_cmdline_proc_show")), fixes);
    }

    @Test
    void whatAPatchFixesReadsBackAsItWasWritten() throws Exception {
        PatchManifest written = manifest(new Fixes("proc: show the length \u2014 \"quoted\"",
                List.of("CVE-2026-0002", "CVE-2026-0001")));

        PatchManifest read = ManifestReader.read(module(Json.writeCompact(written)));

        assertThat(read).isEqualTo(written);
        assertThat(read.fixes().cves()).containsExactly("CVE-2026-0001", "CVE-2026-0002");
        assertThat(read.fixes().title()).isEqualTo("proc: show the length \u2014 \"quoted\"");
    }

    @Test
    void aManifestOfAnOlderBuildWithoutTheFieldReadsAsFixingNothingKnown() throws Exception {
        String old = """
                {"format":1,"name":"suture_cmdline","release":"6.1.0-57-cloud-amd64","buildId":"ab12",\
                "source":"cmdline.c","sourceSha256":"00","builtAt":"2026-01-02T03:04:05Z","cumulative":false,\
                "functions":[{"object":"vmlinux","name":"cmdline_proc_show","position":0,\
                "replacement":"patched_cmdline_proc_show","code":null,"mask":null}]}""";

        PatchManifest read = ManifestReader.read(module(old));

        assertThat(read.fixes()).isEqualTo(Fixes.NONE);
        assertThat(read).isEqualTo(manifest(Fixes.NONE));
        assertThat(ManifestReader.read(module(old.replace("]}", "],\"fixes\":null}"))).fixes()).isEqualTo(Fixes.NONE);
    }

    @Test
    void aCveIdThatIsNoneOrATitleWithControlCharactersIsRefused() throws Exception {
        String good = Json.writeCompact(manifest(new Fixes("plain words", List.of("CVE-2026-0001"))));

        for (String broken : List.of(good.replace("CVE-2026-0001", "CVE-2026-1"), good.replace("\"CVE-2026-0001\"", "null"),
                good.replace("\"plain words\"", "\"a \\u001b[31mred\\u001b[0m title\""))) {
            Path ko = module(broken);
            assertThatThrownBy(() -> ManifestReader.read(ko)).isInstanceOfSatisfying(SutureException.class, e -> {
                assertThat(e.getMessage()).startsWith(ko + " has a broken manifest: ").doesNotContain("\n");
                assertThat(e.fix()).contains("suture build");
            });
        }
    }

    /** A module file with just the manifest section, its text NUL-terminated as a build writes it. */
    private Path module(String json) throws Exception {
        ElfFile elf = ElfFile.read(emptyObject());
        elf.addSection(Section.create(PatchManifest.SECTION, Elf.SHT_PROGBITS)
                .setData((json + "\0").getBytes(StandardCharsets.UTF_8)));
        Path ko = Files.createTempFile(dir, "fix", ".ko");
        elf.write(ko);
        return ko;
    }

    /** The smallest relocatable x86-64 object: the null section and the section name table. */
    private static byte[] emptyObject() {
        byte[] names = "\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(64 + names.length + 2 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        b.putShort((short) 1).putShort((short) 62).putInt(1);   // ET_REL, EM_X86_64, EV_CURRENT
        b.putLong(0).putLong(0).putLong(64 + names.length);    // entry, phoff, shoff
        b.putInt(0).putShort((short) 64).putShort((short) 0);   // flags, ehsize, phentsize
        b.putShort((short) 0).putShort((short) 64).putShort((short) 2).putShort((short) 1);
        b.put(names);
        b.put(new byte[64]);                                     // section 0
        b.putInt(1).putInt(Elf.SHT_STRTAB).putLong(0).putLong(0).putLong(64).putLong(names.length)
                .putInt(0).putInt(0).putLong(1).putLong(0);
        return b.array();
    }
}
