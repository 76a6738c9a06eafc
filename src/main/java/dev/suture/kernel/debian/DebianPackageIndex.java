package dev.suture.kernel.debian;

import dev.suture.SutureException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Debian's kernel packages as apt knows them, grouped into target kernels: for each release, its image and
 * whether the headers, debug symbols, kbuild and source of the same version are still in the archive.
 */
public final class DebianPackageIndex {
    /** The flavours Suture targets by default: the generic and the cloud kernel for x86-64. */
    public static final Set<String> USUAL_FLAVOURS = Set.of("cloud-amd64", "amd64");
    /** The flavour of the default target: small, quick to boot under QEMU. */
    public static final String DEFAULT_FLAVOUR = "cloud-amd64";

    /** Package names worth asking apt about: per-release images and headers, per-series kbuild and source. */
    private static final Pattern KERNEL_PACKAGE = Pattern.compile(
            "linux-(image|headers)-\\d+\\.\\d+\\.\\d+-\\d+-[a-z0-9-]+|linux-(kbuild|source)-\\d+\\.\\d+");
    /** Image packages that are not a bootable flavour of their own. */
    private static final List<String> NOT_A_FLAVOUR = List.of("-dbg", "-unsigned", "-signed-template");
    private static final int RELEASES_NAMED_IN_ERRORS = 10;

    private static volatile DebianPackageIndex system;

    /** Versions of each package, newest first. */
    private final Map<String, List<DebianPackage>> byName;

    private DebianPackageIndex(Map<String, List<DebianPackage>> byName) {
        this.byName = byName;
    }

    public static DebianPackageIndex of(List<DebianPackage> packages) {
        Map<String, Map<DebianVersion, DebianPackage>> unique = new TreeMap<>();
        for (DebianPackage p : packages) {
            // The same version can be listed once per suite that carries it; one is enough.
            unique.computeIfAbsent(p.name(), n -> new TreeMap<>(Comparator.reverseOrder()))
                    .putIfAbsent(p.version(), p);
        }
        Map<String, List<DebianPackage>> byName = new LinkedHashMap<>();
        unique.forEach((name, versions) -> byName.put(name, List.copyOf(versions.values())));
        return new DebianPackageIndex(byName);
    }

    /** An index of {@code apt-cache show} output. */
    public static DebianPackageIndex parse(String deb822) {
        return of(Deb822.parse(deb822).stream().map(DebianPackage::of).toList());
    }

    /** The host's apt view, read once per process (about two seconds of apt-cache). */
    public static DebianPackageIndex system() {
        DebianPackageIndex index = system;
        if (index == null) {
            synchronized (DebianPackageIndex.class) {
                index = system;
                if (index == null) {
                    system = index = load(new Apt());
                }
            }
        }
        return index;
    }

    static DebianPackageIndex load(Apt apt) {
        List<String> names = apt.packageNames("linux-").stream()
                .filter(n -> KERNEL_PACKAGE.matcher(n).matches())
                .filter(n -> !n.endsWith("-unsigned") && !n.endsWith("-signed-template"))
                .toList();
        DebianPackageIndex index = parse(apt.show(names));
        if (index.releases().isEmpty()) {
            throw new SutureException("no Debian kernel packages known to apt", "run 'apt-get update' as root");
        }
        return index;
    }

    /** Every kernel release with an image package, newest first, all flavours. */
    public List<KernelRelease> releases() {
        List<KernelRelease> releases = new ArrayList<>();
        for (String name : byName.keySet()) {
            if (!name.startsWith("linux-image-")) {
                continue;
            }
            String rest = name.substring("linux-image-".length());
            if (KernelRelease.isRelease(rest) && NOT_A_FLAVOUR.stream().noneMatch(rest::endsWith)) {
                releases.add(KernelRelease.parse(rest));
            }
        }
        releases.sort(Comparator.reverseOrder());
        return releases;
    }

    /** The kernels of the usual flavours (or of all), newest first. */
    public List<AvailableKernel> kernels(boolean allFlavours) {
        return releases().stream()
                .filter(r -> allFlavours || USUAL_FLAVOURS.contains(r.flavour()))
                .map(r -> AvailableKernel.of(packages(r).orElseThrow()))
                .toList();
    }

    /** The newest cloud kernel that can be fetched whole. */
    public Optional<KernelRelease> defaultRelease() {
        return releases().stream()
                .filter(r -> r.flavour().equals(DEFAULT_FLAVOUR))
                .filter(r -> packages(r).map(KernelPackages::fetchable).orElse(false))
                .findFirst();
    }

    /** What the archive has for the release, complete or not; empty when it has no such image. */
    public Optional<KernelPackages> packages(KernelRelease release) {
        Optional<DebianPackage> image = newest("linux-image-" + release);
        if (image.isEmpty()) {
            return Optional.empty();
        }
        DebianVersion version = image.get().version();
        DebianPackage headers = at("linux-headers-" + release, version);
        List<String> headerDeps = headers == null ? List.of() : headers.dependencyNames();
        String commonName = headerDeps.stream().filter(d -> d.startsWith("linux-headers-")).findFirst()
                .orElse("linux-headers-" + release.abiName() + "-common");
        String kbuildName = headerDeps.stream().filter(d -> d.startsWith("linux-kbuild-")).findFirst()
                .orElse("linux-kbuild-" + release.series());
        return Optional.of(new KernelPackages(release, image.get(), headers,
                headers == null ? null : at(commonName, version),
                KbuildChoice.choose(version, byName.getOrDefault(kbuildName, List.of())).orElse(null),
                at("linux-image-" + release + "-dbg", version),
                at("linux-source-" + release.series(), version)));
    }

    /** The complete package set for a fetch, or an error saying what is missing and what to pick instead. */
    public KernelPackages require(KernelRelease release) {
        KernelPackages packages = packages(release).orElseThrow(() -> new SutureException(
                "kernel " + release + " is not in Debian's archive as apt knows it (available: "
                        + newestFetchable() + ")",
                "pick a release from 'suture kernel list-available'; if it was published recently, "
                        + "run 'apt-get update' as root"));
        if (!packages.fetchable()) {
            throw new SutureException("kernel " + release + " cannot be fetched: the archive lacks "
                    + String.join(", ", packages.missing()),
                    "pick a release that has headers, dbg and kbuild in 'suture kernel list-available' ("
                            + newestFetchable() + ")");
        }
        return packages;
    }

    private String newestFetchable() {
        List<String> names = releases().stream()
                .filter(r -> USUAL_FLAVOURS.contains(r.flavour()))
                .filter(r -> packages(r).map(KernelPackages::fetchable).orElse(false))
                .map(KernelRelease::toString)
                .toList();
        if (names.isEmpty()) {
            return "none";
        }
        if (names.size() <= RELEASES_NAMED_IN_ERRORS) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, RELEASES_NAMED_IN_ERRORS))
                + " and " + (names.size() - RELEASES_NAMED_IN_ERRORS) + " older";
    }

    private Optional<DebianPackage> newest(String name) {
        return byName.getOrDefault(name, List.of()).stream().findFirst();
    }

    private DebianPackage at(String name, DebianVersion version) {
        return byName.getOrDefault(name, List.of()).stream()
                .filter(p -> p.version().compareTo(version) == 0)
                .findFirst()
                .orElse(null);
    }
}
