package dev.suture.patch.module;

import dev.suture.SutureHome;
import dev.suture.kernel.FileTrees;
import dev.suture.kernel.ReleaseLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A build's own work directory, under Suture's builds folder with a name no other build can have, so two
 * builds at once (of the same fix or of two fixes with one file name) never share files. Removed when the
 * build ends unless kept for debugging.
 */
final class BuildDirectory implements AutoCloseable {
    /** Held while the build runs, so pruning leftovers never removes the directory of a build in progress. */
    private static final String IN_USE = ".in-use";
    private final Path dir;
    private final boolean keep;
    private final ReleaseLock inUse;

    private BuildDirectory(Path dir, boolean keep, ReleaseLock inUse) {
        this.dir = dir;
        this.keep = keep;
        this.inUse = inUse;
    }

    static BuildDirectory create(String moduleName, String release, boolean keep) throws IOException {
        Path builds = SutureHome.builds();
        Files.createDirectories(builds);
        Path dir = Files.createTempDirectory(builds, moduleName + "-" + release + "-");
        ReleaseLock inUse = ReleaseLock.tryAcquire(dir.resolve(IN_USE))
                .orElseThrow(() -> new IllegalStateException("a new build directory is in use: " + dir));
        return new BuildDirectory(dir, keep, inUse);
    }

    /** Work directories no build is using now: kept with --keep-build, or left by a build that was killed. */
    static List<Path> leftovers() throws IOException {
        Path builds = SutureHome.builds();
        if (!Files.isDirectory(builds)) {
            return List.of();
        }
        List<Path> idle = new ArrayList<>();
        try (var dirs = Files.list(builds)) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                Optional<ReleaseLock> free = ReleaseLock.tryAcquire(d.resolve(IN_USE));
                if (free.isPresent()) {
                    free.get().close();
                    idle.add(d);
                }
            }
        }
        return idle;
    }

    /** Removes a leftover work directory, unless a build took it up meanwhile. */
    static boolean removeIfIdle(Path dir) throws IOException {
        Optional<ReleaseLock> free = ReleaseLock.tryAcquire(dir.resolve(IN_USE));
        if (free.isEmpty()) {
            return false;
        }
        try (ReleaseLock held = free.get()) {
            FileTrees.delete(dir);
        }
        return true;
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() {
        try (inUse) {
            if (!keep) {
                FileTrees.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the build directory " + dir, e);
        }
    }
}
