package dev.suture.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelocatableHeadersTest {
    private static final String DEBIAN_MAKEFILE = "include /usr/src/linux-headers-6.1.0-56-common/Makefile\n";

    @Test
    void absoluteIncludeBecomesRelativeToTheMakefile() {
        String rewritten = RelocatableHeaders.rewrite(DEBIAN_MAKEFILE);

        assertThat(rewritten).doesNotContain("/usr/src")
                .contains("include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../linux-headers-6.1.0-56-common/Makefile\n");
        assertThat(RelocatableHeaders.includedTree(DEBIAN_MAKEFILE)).isEqualTo("linux-headers-6.1.0-56-common");
    }

    @Test
    void unknownLayoutIsRefused() {
        assertThatThrownBy(() -> RelocatableHeaders.rewrite("include ../elsewhere/Makefile\n"))
                .isInstanceOf(SutureException.class);
    }

    /** make itself resolves the rewritten include, from the tree's directory and from a symlink to it. */
    @Test
    void makeFindsTheCommonTreeWhereverTheTreesAre(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("moved/somewhere/usr/src");
        Path flavour = Files.createDirectories(src.resolve("linux-headers-6.1.0-56-cloud-amd64"));
        Path common = Files.createDirectories(src.resolve("linux-headers-6.1.0-56-common"));
        Files.writeString(common.resolve("Makefile"), "all:\n\t@echo common included, objtree $(notdir $(CURDIR))\n");
        Files.writeString(flavour.resolve("Makefile"), DEBIAN_MAKEFILE);

        RelocatableHeaders.apply(flavour);
        Path build = Files.createSymbolicLink(dir.resolve("build"), flavour);

        assertThat(make(flavour)).isEqualTo("common included, objtree linux-headers-6.1.0-56-cloud-amd64");
        assertThat(make(build)).isEqualTo("common included, objtree linux-headers-6.1.0-56-cloud-amd64");
    }

    private static String make(Path directory) throws Exception {
        Process p = new ProcessBuilder("make", "-s", "-C", directory.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(output).isZero();
        return output;
    }
}
