package dev.suture.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Section;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Arbitrary bytes as the {@code .suture.manifest} section of a module file, against {@link ManifestReader}.
 * The ELF around it is well-formed (the ELF reader has its own fuzz test): this one aims at what the reader makes
 * of the section's bytes. The contract: a manifest that cannot be used ends in a one-line
 * {@link SutureException}, and nothing else escapes; a manifest it returns can be used by apply without further
 * checks (a module name safe in a path and a shell word, the target named, every function named, run-pre code
 * that decodes with a mask to match); and it reads back the same when written as a build writes it. A normal test
 * run replays the seeds in {@code ManifestReaderFuzzTestInputs/read} (manifests of real builds, and broken ones);
 * with {@code JAZZER_FUZZ=1} Jazzer mutates them for real.
 */
class ManifestReaderFuzzTest {
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_]{1,55}");
    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z0-9_.]+");
    private static final Path KO = scratchFile();

    @FuzzTest(maxDuration = "10m")
    void read(byte[] section) throws IOException {
        PatchManifest manifest;
        try {
            manifest = readSection(section);
        } catch (SutureException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n", "\r");
            assertThat(e.fix()).isNotBlank();
            return;
        }
        assertUsable(manifest);
        String written = Json.writeCompact(manifest);
        // A build writes the manifest as a C string: NUL-terminated.
        PatchManifest again = readSection((written + "\0").getBytes(StandardCharsets.UTF_8));
        assertThat(Json.writeCompact(again)).isEqualTo(written);
    }

    private static void assertUsable(PatchManifest manifest) {
        assertThat(manifest.format()).isEqualTo(PatchManifest.FORMAT);
        assertThat(manifest.name()).matches(MODULE);
        assertThat(manifest.release()).isNotBlank();
        assertThat(manifest.buildId()).isNotBlank();
        assertThat(manifest.functions()).isNotNull().doesNotContainNull();
        for (PatchManifest.Function f : manifest.functions()) {
            assertThat(f.object()).matches(MODULE);
            assertThat(f.name()).matches(SYMBOL);
            assertThat(f.position()).isNotNegative();
            if (f.code() != null) {
                byte[] code = Base64.getDecoder().decode(f.code());
                assertThat(f.mask()).isNotNull().allSatisfy(m -> assertThat(m).hasSize(2));
                f.firstDifference(new byte[0]);
                f.firstDifference(code);
            }
        }
    }

    private static PatchManifest readSection(byte[] data) throws IOException {
        ElfFile elf = ElfFile.read(emptyObject());
        elf.addSection(Section.create(PatchManifest.SECTION, Elf.SHT_PROGBITS).setData(data));
        elf.write(KO);
        return ManifestReader.read(KO);
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

    private static Path scratchFile() {
        try {
            Path dir = Files.createTempDirectory("manifest-fuzz");
            dir.toFile().deleteOnExit();
            Path ko = dir.resolve("fuzz.ko");
            ko.toFile().deleteOnExit();
            return ko;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
