package dev.suture.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trees measured and removed while other Suture processes may be working in them. */
class FileTreesTest {
    @Test
    void aTreeCountsItsRegularFilesAndOneRemovedBeforeItIsMeasuredCountsNothing(@TempDir Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("work/sub"));
        Files.writeString(tree.resolve("a.o"), "x".repeat(100));
        Files.writeString(dir.resolve("work/b.o"), "y".repeat(23));
        assertThat(FileTrees.size(dir.resolve("work"))).isEqualTo(123);

        // What a make's temporary file looks like to a walk that listed it just before make removed it.
        FileTrees.delete(dir.resolve("work"));
        assertThat(FileTrees.size(dir.resolve("work"))).isZero();
    }
}
