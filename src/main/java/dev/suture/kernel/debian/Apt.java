package dev.suture.kernel.debian;

import dev.suture.SutureException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the host's apt knows about Debian's archive: package names, their stanzas, and where to download
 * them. Read-only: nothing is installed, and downloads are done by {@link Downloader}, not by apt.
 */
public final class Apt {
    private static final String APT_HINT = "Suture takes kernels from Debian's archive through apt; "
            + "run it on Debian (bookworm) with apt installed";
    /** {@code 'URL' FILENAME SIZE ALGO:HEX}, one line per package. */
    private static final Pattern URI_LINE = Pattern.compile("^'([^']+)'\\s+(\\S+)\\s+(\\d+)\\s+(\\S+)\\s*$");

    /** Where apt would fetch one package from, with its size and checksum as the archive's index states. */
    public record DownloadUri(URI uri, String fileName, long size, String checksum) {
        /** The SHA256 in hex when apt printed one, else null. */
        public String sha256() {
            return checksum.regionMatches(true, 0, "SHA256:", 0, 7) ? checksum.substring(7).toLowerCase() : null;
        }
    }

    /** All package names apt knows that start with the prefix. */
    public List<String> packageNames(String prefix) {
        String out = HostCommand.run(List.of("apt-cache", "pkgnames", prefix), APT_HINT);
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).sorted().toList();
    }

    /** The deb822 stanzas of every version of the named packages; purely virtual names print nothing. */
    public String show(Collection<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        List<String> command = new ArrayList<>(List.of("apt-cache", "show"));
        command.addAll(names);
        HostCommand.Result result = HostCommand.runAllowingFailure(command, APT_HINT);
        // apt-cache exits non-zero when one name has no versions, but still shows all the others.
        if (result.exitCode() != 0 && result.stdout().isBlank()) {
            throw HostCommand.failure(List.of("apt-cache", "show", "..."), result.exitCode(), result.stderr());
        }
        return result.stdout();
    }

    /** The download locations of exactly these package versions, in the same order. */
    public List<DownloadUri> downloadUris(List<DebianPackage> packages) {
        List<String> command = new ArrayList<>(List.of("apt-get", "download", "--print-uris"));
        packages.forEach(p -> command.add(p.aptSpec()));
        List<DownloadUri> uris = parseDownloadUris(HostCommand.run(command, APT_HINT));
        List<DownloadUri> ordered = new ArrayList<>();
        for (DebianPackage p : packages) {
            String prefix = p.name() + "_";
            ordered.add(uris.stream()
                    .filter(u -> u.fileName().startsWith(prefix))
                    .findFirst()
                    .orElseThrow(() -> new SutureException("apt printed no download location for " + p.aptSpec(),
                            "run 'apt-get update' as root, then try again")));
        }
        return ordered;
    }

    /** Parses {@code apt-get download --print-uris} output; other lines (notes, warnings) are skipped. */
    static List<DownloadUri> parseDownloadUris(String output) {
        List<DownloadUri> uris = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher m = URI_LINE.matcher(line);
            if (m.matches()) {
                uris.add(new DownloadUri(URI.create(m.group(1)), m.group(2), Long.parseLong(m.group(3)), m.group(4)));
            }
        }
        return uris;
    }
}
