package dev.suture.kernel.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The unchanged headers beside a changed private header that include it. A changed private header is written
 * into the work directory next to the replaced unit, where the unit's own {@code #include "nvme.h"} finds it; but
 * an unchanged neighbour the unit includes first ({@code "trace.h"}, which includes {@code "nvme.h"} itself) is
 * found in the tree, and its quote include looks in the tree's directory: the pristine header would be read and
 * its include guard would hide the changed one. Such neighbours are copied into the work directory too.
 */
final class PrivateHeaderNeighbours {
    private static final Pattern QUOTE_INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*\"([^\"]+)\"", Pattern.MULTILINE);

    private PrivateHeaderNeighbours() {
    }

    /**
     * The headers (paths relative to the source root) of the directories of the changed private headers in
     * {@code replaced} that are not replaced themselves and include a changed header, directly or through
     * another such neighbour.
     */
    static List<String> of(Path source, Set<String> replaced) {
        List<String> changed = replaced.stream()
                .filter(f -> f.endsWith(".h") && f.contains("/") && !UnitCompiler.isGlobalHeader(f)).toList();
        Set<String> reaching = new TreeSet<>(changed);
        Set<String> found = new TreeSet<>();
        for (String dir : changed.stream().map(PrivateHeaderNeighbours::dirOf).distinct().toList()) {
            Map<String, List<String>> includes = new TreeMap<>();   // each read once, however many passes
            headersIn(source, dir).stream().filter(h -> !replaced.contains(h)).forEach(h -> includes.put(h, quoteIncludes(source, h)));
            boolean grew = true;
            while (grew) {   // a neighbour of a neighbour: until no header is added
                grew = false;
                for (var e : includes.entrySet()) {
                    String h = e.getKey();
                    if (!found.contains(h) && e.getValue().stream().anyMatch(reaching::contains)) {
                        found.add(h);
                        reaching.add(h);
                        grew = true;
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    private static String dirOf(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static List<String> headersIn(Path source, String dir) {
        try (Stream<Path> files = Files.list(source.resolve(dir))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".h") && Files.isRegularFile(p))
                    .map(p -> dir + "/" + p.getFileName()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The files a header names in quote includes, as paths relative to the source root. */
    private static List<String> quoteIncludes(Path source, String header) {
        String text;
        try {
            text = Files.readString(source.resolve(header), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String dir = dirOf(header);
        Matcher m = QUOTE_INCLUDE.matcher(text);
        List<String> named = new ArrayList<>();
        while (m.find()) {
            named.add(Path.of(dir, m.group(1)).normalize().toString());
        }
        return named;
    }
}
