package dev.suture.kernel.debian;

import java.util.Arrays;
import java.util.List;

/**
 * One version of one binary package as the archive describes it.
 *
 * @param installedSize unpacked size in bytes (the archive gives KiB), used to size unpacking progress
 * @param depends       the raw {@code Depends} field, empty when there is none
 */
public record DebianPackage(String name, DebianVersion version, String architecture, long size,
                            long installedSize, String sha256, String filename, String depends) {

    public static DebianPackage of(Deb822.Stanza stanza) {
        String name = stanza.get("Package");
        String version = stanza.get("Version");
        if (name == null || version == null) {
            throw new IllegalArgumentException("stanza without Package or Version: " + stanza.fields());
        }
        return new DebianPackage(name, DebianVersion.parse(version),
                orEmpty(stanza.get("Architecture")),
                parseLong(stanza.get("Size")),
                parseLong(stanza.get("Installed-Size")) * 1024,
                orEmpty(stanza.get("SHA256")),
                orEmpty(stanza.get("Filename")),
                orEmpty(stanza.get("Depends")));
    }

    /** Package names this one depends on (alternatives included), without version constraints. */
    public List<String> dependencyNames() {
        if (depends.isBlank()) {
            return List.of();
        }
        return Arrays.stream(depends.split("[,|]"))
                .map(d -> d.strip().split("[\\s(:\\[]", 2)[0])
                .filter(d -> !d.isEmpty())
                .toList();
    }

    /** {@code name=version}, the form apt takes to pick one version. */
    public String aptSpec() {
        return name + "=" + version;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static long parseLong(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        return Long.parseLong(value.strip());
    }
}
