package dev.suture.kernel.debian;

import dev.suture.Progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking chosen members of a real .deb, made here with dpkg-deb. */
class DebExtractorTest {
    @TempDir
    Path dir;
    private Path deb;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final DebExtractor extractor =
            new DebExtractor(Progress.plain(new PrintStream(log, true, StandardCharsets.UTF_8)));

    @BeforeEach
    void buildPackage() throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("DEBIAN"));
        Files.writeString(tree.resolve("DEBIAN/control"), """
                Package: suture-test-image
                Version: 1.0-1
                Architecture: all
                Maintainer: Suture tests <tests@example.invalid>
                Description: test package
                """);
        write(tree.resolve("boot/vmlinuz-6.1.0-1-test"), "image");
        write(tree.resolve("boot/System.map-6.1.0-1-test"), "placeholder");
        write(tree.resolve("lib/modules/6.1.0-1-test/kernel/fs/a.ko"), "module a");
        write(tree.resolve("lib/modules/6.1.0-1-test/modules.order"), "kernel/fs/a.ko\n");
        Files.write(Files.createDirectories(tree.resolve("usr/share/doc/big")).resolve("filler"), new byte[1 << 20]);
        Files.createSymbolicLink(Files.createDirectories(tree.resolve("usr/src/tree")).resolve("scripts"),
                Path.of("../../lib/kbuild/scripts"));
        deb = dir.resolve("test.deb");
        Process p = new ProcessBuilder("dpkg-deb", "--root-owner-group", "--build", tree.toString(), deb.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
    }

    @Test
    void extractsOnlyTheNamedMembersWithTheirSubtrees() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));

        extractor.extract(deb, out, List.of("./boot/vmlinuz-6.1.0-1-test", "./lib/modules/6.1.0-1-test",
                "./usr/src/tree"), 2 << 20, "image", false);

        assertThat(out.resolve("boot/vmlinuz-6.1.0-1-test")).hasContent("image");
        assertThat(out.resolve("lib/modules/6.1.0-1-test/kernel/fs/a.ko")).hasContent("module a");
        assertThat(out.resolve("boot/System.map-6.1.0-1-test")).doesNotExist();
        assertThat(out.resolve("usr/share")).doesNotExist();
        assertThat(Files.readSymbolicLink(out.resolve("usr/src/tree/scripts"))).isEqualTo(Path.of("../../lib/kbuild/scripts"));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("image:").contains("MB in");
    }

    @Test
    void stoppingOnceExtractedStillDeliversTheMember() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));

        extractor.extract(deb, out, List.of("./boot/vmlinuz-6.1.0-1-test"), 2 << 20, "vmlinux", true);

        assertThat(out.resolve("boot/vmlinuz-6.1.0-1-test")).hasContent("image");
        assertThat(out.resolve("usr")).doesNotExist();
    }

    @Test
    void aMissingMemberIsAnErrorWithTarsComplaint() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));

        assertThatThrownBy(() -> extractor.extract(deb, out, List.of("./boot/vmlinux-6.1.0-1-test"), 1, "x", false))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("tar -x")
                .hasMessageContaining("Not found in archive");
    }

    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
