package dev.suture.patch.module;

import dev.suture.SutureHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * A build's own work directory, under Suture's builds folder with a name no other build can have, so two
 * builds at once (of the same fix or of two fixes with one file name) never share files. Removed when the
 * build ends unless kept for debugging.
 */
final class BuildDirectory implements AutoCloseable {
    private final Path dir;
    private final boolean keep;

    private BuildDirectory(Path dir, boolean keep) {
        this.dir = dir;
        this.keep = keep;
    }

    static BuildDirectory create(String moduleName, String release, boolean keep) throws IOException {
        Path builds = SutureHome.builds();
        Files.createDirectories(builds);
        return new BuildDirectory(Files.createTempDirectory(builds, moduleName + "-" + release + "-"), keep);
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() {
        if (keep || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the build directory " + dir, e);
        }
    }
}
