package dev.suture.kernel;

import dev.suture.Progress;

import dev.suture.kernel.debian.Apt;
import dev.suture.kernel.debian.DebExtractor;
import dev.suture.kernel.debian.DebianPackage;
import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.debian.Downloader;
import dev.suture.kernel.debian.KernelPackages;
import dev.suture.kernel.debian.KernelRelease;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.elf.ElfNotes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Puts one target kernel into the cache from Debian's packages: downloads image, headers, common headers,
 * kbuild and -dbg; keeps only what Suture uses; makes modules.dep; reads the build id.
 *
 * <p>All work happens in the release's staging directory, and {@code kernel.json} is written last, just
 * before the staging directory is renamed into place: a release directory is therefore always complete.
 * An interrupted fetch leaves the staging directory behind; the next fetch keeps its verified downloads and
 * redoes the rest. A lock per release keeps two processes from assembling the same release at once.
 */
public final class KernelFetcher {
    private static final String DOWNLOADS = "downloads";
    private static final String UNPACK = "unpack";
    private static final String HEADERS = "headers";

    private final KernelCache cache;
    private final Supplier<DebianPackageIndex> index;
    private final Apt apt;
    private final Progress progress;

    /** A fetcher for the given cache that asks the host's apt what the archive has. */
    public KernelFetcher(KernelCache cache, Progress progress) {
        this(cache, DebianPackageIndex::system, new Apt(), progress);
    }

    KernelFetcher(KernelCache cache, Supplier<DebianPackageIndex> index, Apt apt, Progress progress) {
        this.cache = cache;
        this.index = index;
        this.apt = apt;
        this.progress = progress;
    }

    /** The cached kernel, fetching it first unless it is already there. */
    public CachedKernel fetch(KernelRelease release) {
        Optional<CachedKernel> cached = cache.find(release);
        if (cached.isPresent()) {
            progress.say(release + " is already cached in " + cached.get().dir()
                    + " (build id " + cached.get().info().buildId() + ")");
            return cached.get();
        }
        KernelPackages packages = index.get().require(release);
        try (ReleaseLock _ = ReleaseLock.acquire(cache.lockFile(release), release.toString(), progress)) {
            // Another process may have finished it while this one waited for the lock.
            cached = cache.find(release);
            if (cached.isPresent()) {
                progress.say(release + " was cached meanwhile in " + cached.get().dir());
                return cached.get();
            }
            return assemble(packages);
        } catch (IOException e) {
            throw new SutureException("fetching " + release + " failed: " + e,
                    "fetch again: verified downloads are kept and reused", e);
        }
    }

    private CachedKernel assemble(KernelPackages packages) throws IOException {
        long started = System.nanoTime();
        KernelRelease release = packages.release();
        Path staging = cache.stagingDir(release);
        progress.say("fetching " + release + " (Debian " + packages.version() + ")");
        prepareStaging(staging);
        packages.warnings().forEach(w -> progress.say("warning: " + w));

        Map<String, Path> debs = download(packages, staging.resolve(DOWNLOADS));
        DebExtractor extractor = new DebExtractor(progress);
        progress.say("unpacking");
        unpackHeaders(packages, debs, extractor, staging);
        unpackImage(packages, debs.get(packages.image().name()), extractor, staging);
        unpackVmlinux(packages, debs.get(packages.dbg().name()), extractor, staging);
        FileTrees.delete(staging.resolve(UNPACK));

        progress.say("making modules.dep");
        Depmod.run(staging.resolve("modules"), release, staging);
        String buildId = ElfNotes.gnuBuildId(staging.resolve("vmlinux")).orElseThrow(() -> new SutureException(
                "the vmlinux of " + release + " has no GNU build id note", "report the release to Suture's maintainers"));

        FileTrees.delete(staging.resolve(DOWNLOADS));
        KernelInfo info = new KernelInfo(release.toString(), packages.version().toString(), buildId, Instant.now(),
                packages.downloads().stream().map(KernelInfo.PackageRef::of).toList(), packages.warnings());
        Json.writeAtomically(staging.resolve(CachedKernel.INFO_FILE), info);

        Path target = cache.releaseDir(release);
        FileTrees.delete(target); // only an unfinished leftover can be here: find() saw no kernel.json
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        CachedKernel kernel = new CachedKernel(target, info);
        progress.say(String.format(Locale.ROOT, "cached %s in %s (%s, %.0f s)", release, target,
                Progress.megabytes(kernel.sizeOnDisk()), (System.nanoTime() - started) / 1e9));
        progress.say("build id " + buildId);
        return kernel;
    }

    /** Keeps the downloads of an interrupted fetch (they are verified again before use) and clears the rest. */
    private void prepareStaging(Path staging) throws IOException {
        if (Files.isDirectory(staging)) {
            progress.say("resuming an interrupted fetch in " + staging);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
                for (Path entry : entries) {
                    if (!entry.getFileName().toString().equals(DOWNLOADS)) {
                        FileTrees.delete(entry);
                    }
                }
            }
        }
        Files.createDirectories(staging.resolve(DOWNLOADS));
    }

    /** Downloads (or re-verifies) every package; returns the .deb of each, by package name. */
    private Map<String, Path> download(KernelPackages kernel, Path dir) {
        List<DebianPackage> packages = kernel.downloads();
        long total = packages.stream().mapToLong(DebianPackage::size).sum();
        progress.say("downloading " + packages.size() + " packages, " + Progress.megabytes(total));
        List<Apt.DownloadUri> uris = apt.downloadUris(packages);
        Downloader downloader = new Downloader(progress);
        Map<String, Path> debs = new LinkedHashMap<>();
        for (int i = 0; i < packages.size(); i++) {
            DebianPackage p = packages.get(i);
            Apt.DownloadUri uri = uris.get(i);
            if (uri.sha256() != null && !uri.sha256().equalsIgnoreCase(p.sha256())) {
                throw new SutureException("apt's index disagrees with itself about " + p.aptSpec(),
                        "run 'apt-get update' as root, then fetch again");
            }
            Path deb = dir.resolve(uri.fileName());
            downloader.download(uri.uri(), deb, p.size(), p.sha256().toLowerCase(Locale.ROOT), kernel.role(p));
            debs.put(p.name(), deb);
        }
        return debs;
    }

    /**
     * The flavour's headers, then the common tree its Makefile includes, then the kbuild tree its
     * {@code scripts} link points into: each found from the one before, so the links are right by construction.
     */
    private void unpackHeaders(KernelPackages packages, Map<String, Path> debs, DebExtractor extractor,
                               Path staging) throws IOException {
        Path root = Files.createDirectories(staging.resolve(HEADERS));
        String flavourTree = "usr/src/linux-headers-" + packages.release();
        extractor.extract(debs.get(packages.headers().name()), root, List.of("./" + flavourTree),
                packages.headers().installedSize(), "headers", false);

        Path headersDir = root.resolve(flavourTree);
        String commonTree = "usr/src/" + RelocatableHeaders.includedTree(Files.readString(headersDir.resolve("Makefile")));
        extractor.extract(debs.get(packages.headersCommon().name()), root, List.of("./" + commonTree),
                packages.headersCommon().installedSize(), "common headers", false);

        Path scriptsTarget = Files.readSymbolicLink(headersDir.resolve("scripts"));
        String kbuildTree = root.relativize(headersDir.resolve(scriptsTarget).getParent().normalize()).toString();
        DebianPackage kbuild = packages.kbuild().kbuild();
        extractor.extract(debs.get(kbuild.name()), root, List.of("./" + kbuildTree), kbuild.installedSize(),
                "kbuild", false);

        RelocatableHeaders.apply(headersDir);
        for (String needed : List.of("Makefile", ".config", "Module.symvers", "scripts/mod", "include")) {
            if (!Files.exists(headersDir.resolve(needed))) {
                throw new SutureException("the unpacked headers of " + packages.release() + " lack " + needed,
                        "report the release to Suture's maintainers");
            }
        }
    }

    private void unpackImage(KernelPackages packages, Path deb, DebExtractor extractor, Path staging)
            throws IOException {
        KernelRelease release = packages.release();
        Path unpack = Files.createDirectories(staging.resolve(UNPACK).resolve("image"));
        extractor.extract(deb, unpack, List.of("./boot/vmlinuz-" + release, "./boot/config-" + release,
                "./lib/modules/" + release), packages.image().installedSize(), "image", false);
        Files.move(unpack.resolve("boot/vmlinuz-" + release), staging.resolve("vmlinuz"));
        Files.move(unpack.resolve("boot/config-" + release), staging.resolve("config"));
        Files.move(unpack.resolve("lib/modules/" + release), staging.resolve("modules"));
    }

    /** Only vmlinux from the -dbg package: the module debug files in it are ten times its size and unused. */
    private void unpackVmlinux(KernelPackages packages, Path deb, DebExtractor extractor, Path staging)
            throws IOException {
        String member = "usr/lib/debug/boot/vmlinux-" + packages.release();
        Path unpack = Files.createDirectories(staging.resolve(UNPACK).resolve("dbg"));
        // tar stops once vmlinux is out, well before the end of the package: its size is not known ahead.
        extractor.extract(deb, unpack, List.of("./" + member), -1, "dbg (vmlinux)", true);
        Files.move(unpack.resolve(member), staging.resolve("vmlinux"));
    }
}
