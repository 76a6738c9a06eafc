package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading and writing back a file nobody edited gives the same bytes, for compiler output and real modules. */
class ElfRoundTripTest {
    @TempDir
    Path dir;

    static void assertIdentical(Path file) throws IOException {
        byte[] original = Files.readAllBytes(file);
        ElfFile elf = ElfFile.read(file);
        assertThat(elf.toBytes()).as("%s written back", file).isEqualTo(original);
        // The model was not disturbed by writing, and reading from memory gives the same.
        assertThat(ElfFile.read(original).toBytes()).isEqualTo(original);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-O2", "-O2 -g", "-ffunction-sections -fdata-sections", "-O2 -g -ffunction-sections -fdata-sections -fPIC"})
    void gccObjectsComeBackIdentical(String flags) throws IOException {
        String[] options = flags.isEmpty() ? new String[0] : flags.split(" ");
        assertIdentical(Tools.gcc(dir, "program", Tools.PROGRAM, options));
    }

    @Test
    void objectWithManyStaticFunctionsAndSectionsComesBackIdentical() throws IOException {
        StringBuilder source = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            source.append("static int f").append(i).append("(int x) { return x * ").append(i).append(" + ")
                    .append(i == 0 ? "1" : "f" + (i - 1) + "(x)").append("; }\n");
            source.append("int table").append(i).append("[] = {").append(i).append(", ").append(i + 1).append("};\n");
        }
        source.append("int entry(int x) { return f399(x); }\n");
        Path object = Tools.gcc(dir, "many", source.toString(), "-O0", "-g", "-ffunction-sections", "-fdata-sections");
        ElfFile elf = ElfFile.read(object);
        assertThat(elf.sectionCount()).isGreaterThan(800);
        assertIdentical(object);
    }

    @Test
    void linkedProgramComesBackIdentical() throws IOException {
        Path object = Tools.gcc(dir, "program", Tools.PROGRAM, "-O2", "-g");
        Tools.run(dir, "gcc", "-Wl,--build-id", object.toString(), "-o", "program").ok();
        assertIdentical(dir.resolve("program"));
        assertThat(ElfFile.read(dir.resolve("program")).header().phnum()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"xfs.ko", "btrfs.ko", "dummy.ko", "libcrc32c.ko", "vfat.ko", "virtio_net.ko", "crc7.ko"})
    void kernelModulesComeBackIdentical(String module) throws IOException {
        assertIdentical(TargetKernel.module(module));
    }

    @Test
    void unchangedFileWrittenToPathIsIdenticalAndReplacesItInPlace() throws IOException {
        Path object = Tools.gcc(dir, "program", Tools.PROGRAM, "-O2");
        byte[] original = Files.readAllBytes(object);
        ElfFile elf = ElfFile.read(object);
        elf.write(object);
        assertThat(Files.readAllBytes(object)).isEqualTo(original);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .as("no temporary file left behind").allMatch(name -> !name.endsWith(".tmp"));
        }
    }
}
