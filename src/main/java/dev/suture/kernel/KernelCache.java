package dev.suture.kernel;

import dev.suture.Progress;

import dev.suture.kernel.debian.KernelRelease;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.SutureHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local cache of target kernels: {@code $XDG_CACHE_HOME/suture/kernels/RELEASE/} (default
 * {@code ~/.cache/suture/...}). A release directory exists only once its fetch completed: fetches work in a
 * hidden sibling and rename it into place, so an interrupted fetch is never mistaken for a finished one.
 */
public final class KernelCache {
    private final Path kernelsDir;

    /** The cache below Suture's folder {@code home} (see {@link SutureHome}). */
    public KernelCache(Path home) {
        this.kernelsDir = home.resolve("kernels");
    }

    /** The user's cache, honouring {@code SUTURE_CACHE} (tests), then {@code XDG_CACHE_HOME}, then {@code ~/.cache}. */
    public static KernelCache defaultCache() {
        return new KernelCache(SutureHome.dir());
    }


    public Path kernelsDir() {
        return kernelsDir;
    }

    /** Where a finished release lives (whether or not it is there yet). */
    public Path releaseDir(KernelRelease release) {
        return kernelsDir.resolve(release.toString());
    }

    /** Where a fetch of the release assembles its files before the rename that completes it. */
    public Path stagingDir(KernelRelease release) {
        return kernelsDir.resolve("." + release + ".partial");
    }

    /** The lock file that serialises fetching and removing one release across processes. */
    public Path lockFile(KernelRelease release) {
        return kernelsDir.resolve("." + release + ".lock");
    }

    public Optional<CachedKernel> find(KernelRelease release) {
        Path dir = releaseDir(release);
        Path info = dir.resolve(CachedKernel.INFO_FILE);
        if (!Files.isRegularFile(info)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CachedKernel(dir, Json.read(info, KernelInfo.class)));
        } catch (IOException e) {
            throw new SutureException("cached kernel " + release + " has an unreadable " + info,
                    "remove it with 'suture kernel rm " + release + "' and fetch it again", e);
        }
    }

    /** The cached kernel, or an error naming the cached ones and how to fetch this one. */
    public CachedKernel require(KernelRelease release) {
        return find(release).orElseThrow(() -> new SutureException(
                "kernel " + release + " is not in the cache" + cachedSuffix(),
                "fetch it with 'suture kernel fetch " + release + "'"));
    }

    /** Finished kernels, newest release first. */
    public List<CachedKernel> list() {
        if (!Files.isDirectory(kernelsDir)) {
            return List.of();
        }
        List<CachedKernel> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(kernelsDir)) {
            for (Path dir : dirs.toList()) {
                String name = dir.getFileName().toString();
                if (!name.startsWith(".") && KernelRelease.isRelease(name)) {
                    find(KernelRelease.parse(name)).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparing(CachedKernel::release).reversed());
        return found;
    }

    private String cachedSuffix() {
        List<CachedKernel> cached = list();
        if (cached.isEmpty()) {
            return " (the cache is empty)";
        }
        return " (cached: " + String.join(", ", cached.stream().map(k -> k.info().release()).toList()) + ")";
    }

    /**
     * Removes a cached release. The directory is first renamed to the release's staging name, so an
     * interrupted removal leaves only a staging directory, which is never listed and is cleaned by the
     * next fetch.
     */
    public void remove(KernelRelease release, Progress progress) {
        if (find(release).isEmpty()) {
            throw new SutureException("kernel " + release + " is not in the cache: nothing to remove" + cachedSuffix(),
                    "see what is cached with 'suture kernel list'");
        }
        try (ReleaseLock _ = ReleaseLock.acquire(lockFile(release), release.toString(), progress)) {
            require(release);
            Path staging = stagingDir(release);
            FileTrees.delete(staging);
            Files.move(releaseDir(release), staging, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.delete(staging);
        } catch (IOException e) {
            throw new SutureException("cannot remove " + releaseDir(release) + ": " + e.getMessage(),
                    "check the permissions of the cache directory", e);
        }
    }
}
