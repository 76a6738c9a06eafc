package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The note reader agrees with binutils on programs gcc links here and now. */
class ElfNotesTest {
    private static final Pattern READELF_BUILD_ID = Pattern.compile("Build ID: ([0-9a-f]+)");

    @Test
    void buildIdMatchesReadelf(@TempDir Path dir) throws Exception {
        Path program = compile(dir, "-Wl,--build-id=sha1");

        String expected = readelfBuildId(program);
        assertThat(expected).hasSize(40);
        assertThat(ElfNotes.gnuBuildId(program)).contains(expected);
    }

    @Test
    void md5BuildIdHasItsOwnLength(@TempDir Path dir) throws Exception {
        Path program = compile(dir, "-Wl,--build-id=md5");

        assertThat(ElfNotes.gnuBuildId(program)).contains(readelfBuildId(program)).get().asString().hasSize(32);
    }

    @Test
    void otherNotesAreReadButAreNotTheBuildId(@TempDir Path dir) throws Exception {
        Path program = compile(dir, "-Wl,--build-id=sha1");

        List<ElfNotes.Note> notes = ElfNotes.read(program);
        // glibc programs carry an ABI tag (type 1, "GNU") besides the build id (type 3, "GNU").
        assertThat(notes).anySatisfy(n -> {
            assertThat(n.name()).isEqualTo("GNU");
            assertThat(n.type()).isEqualTo(1);
        });
        assertThat(notes).filteredOn(n -> n.type() == ElfNotes.NT_GNU_BUILD_ID).hasSize(1);
    }

    @Test
    void programLinkedWithoutBuildIdHasNone(@TempDir Path dir) throws Exception {
        Path program = compile(dir, "-Wl,--build-id=none");

        assertThat(run("readelf", "-n", program.toString())).doesNotContain("Build ID");
        assertThat(ElfNotes.gnuBuildId(program)).isEmpty();
    }

    @Test
    void nonElfFileIsRefused(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("not-elf"), "#!/bin/sh\necho this is a script, not an object\n");

        assertThatThrownBy(() -> ElfNotes.read(text)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("not an ELF file");
    }

    @Test
    void truncatedElfIsRefused(@TempDir Path dir) throws Exception {
        Path program = compile(dir, "-Wl,--build-id=sha1");
        byte[] head = new byte[200];
        System.arraycopy(Files.readAllBytes(program), 0, head, 0, head.length);
        Path truncated = Files.write(dir.resolve("truncated"), head);

        assertThatThrownBy(() -> ElfNotes.read(truncated)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("outside the file");
    }

    private static Path compile(Path dir, String buildIdFlag) throws IOException, InterruptedException {
        Path source = Files.writeString(dir.resolve("tiny.c"), "int main(void) { return 0; }\n");
        Path program = dir.resolve("tiny-" + buildIdFlag.replaceAll("\\W", ""));
        run("gcc", buildIdFlag, "-o", program.toString(), source.toString());
        return program;
    }

    private static String readelfBuildId(Path file) throws IOException, InterruptedException {
        Matcher m = READELF_BUILD_ID.matcher(run("readelf", "-n", file.toString()));
        assertThat(m.find()).as("readelf shows a build id").isTrue();
        return m.group(1);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}
