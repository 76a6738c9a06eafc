package dev.suture.kernel.build;

import dev.suture.kernel.CachedKernel;

import dev.suture.Json;
import dev.suture.elf.ElfFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which of a kernel's built-in units include a header, directly or through other headers: the units come
 * from the DWARF compilation units of the {@code -dbg} vmlinux, the includes from scanning their sources with
 * kbuild's search order (the file's own directory for quoted names, then arch and generic include
 * directories, uapi last). Conditional includes count as includes: a unit too many is compiled and found
 * unchanged, a unit too few would be a missed change. Computed once per kernel and cached next to its source.
 */
public final class IncludeIndex {
    private static final String FILE = "include-index.json";
    private static final Pattern INCLUDE = Pattern.compile("^\\s*#\\s*include\\s*([<\"])([^>\"]+)[>\"]", Pattern.MULTILINE);
    private static final List<String> SEARCH = List.of("arch/x86/include", "include", "arch/x86/include/uapi", "include/uapi");

    /** Units (paths relative to the source root) and, for every file reached, the files it includes. */
    public record Data(List<String> units, Map<String, List<String>> includes) {
    }

    private final Data data;
    /** Who includes each file: the include edges turned round, made on the first question. */
    private Map<String, List<String>> includers;

    private IncludeIndex(Data data) {
        this.data = data;
    }

    public static IncludeIndex of(CachedKernel kernel, SourceTree tree) {
        Path cached = tree.build().resolveSibling(FILE);
        try {
            if (Files.isRegularFile(cached)) {
                return new IncludeIndex(Json.read(cached, Data.class));
            }
            Data data = scan(ElfFile.read(kernel.vmlinux()), tree.source());
            Json.writeAtomically(cached, data);
            return new IncludeIndex(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The built-in units that include {@code header} (relative to the source root), sorted. */
    public List<String> unitsIncluding(String header) {
        Map<String, List<String>> reverse = includers();
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(header));
        while (!todo.isEmpty()) {
            for (String includer : reverse.getOrDefault(todo.pop(), List.of())) {
                if (seen.add(includer)) {
                    todo.push(includer);
                }
            }
        }
        Set<String> units = new TreeSet<>(data.units());
        return seen.stream().filter(units::contains).toList();
    }

    private Map<String, List<String>> includers() {
        if (includers == null) {
            Map<String, List<String>> reverse = new HashMap<>();
            data.includes().forEach((file, included) -> included.forEach(h -> reverse.computeIfAbsent(h, k -> new ArrayList<>()).add(file)));
            includers = reverse;
        }
        return includers;
    }

    /** Whether vmlinux has the unit (it is one of its DWARF compilation units). */
    public boolean isBuiltIn(String unit) {
        return data.units().contains(unit);
    }

    /**
     * The {@code .c} files of a header's own directory (and the directories below it) that include it, directly
     * or through other files there: a driver's or filesystem's private header, included by the units of a
     * module as much as by built-in ones.
     */
    public static List<String> localUnitsIncluding(Path source, String header) throws IOException {
        Path dir = source.resolve(header).getParent();
        List<String> files = new ArrayList<>();
        try (var walk = Files.walk(dir, 3)) {
            walk.filter(p -> Files.isRegularFile(p) && (p.toString().endsWith(".c") || p.toString().endsWith(".h")))
                    .forEach(p -> files.add(source.relativize(p).toString()));
        }
        Map<String, List<String>> includes = new HashMap<>();
        for (String f : files) {
            includes.put(f, includesOf(source, f));
        }
        Data local = new Data(files.stream().filter(f -> f.endsWith(".c")).toList(), includes);
        return new IncludeIndex(local).unitsIncluding(header);
    }

    /**
     * The units a change to {@code header} (a header, or a {@code .c} file no Makefile names, which its includer
     * compiles) makes the kernel build differently: the built-in units that include it, and for a header outside
     * the include directories also the units of its own directory that include it (a module's, too).
     */
    public java.util.SortedSet<String> unitsReachedBy(Path source, String header) throws IOException {
        java.util.SortedSet<String> reached = new java.util.TreeSet<>(unitsIncluding(header));
        if (!header.startsWith("include/") && !header.startsWith("arch/x86/include/")) {
            for (String local : localUnitsIncluding(source, header)) {
                if (!Makefiles.isIncludedSource(source, local)) {
                    reached.add(local);
                }
            }
        }
        return reached;
    }

    public int unitCount() {
        return data.units().size();
    }

    static Data scan(ElfFile vmlinux, Path source) throws IOException {
        List<String> names = DwarfUnits.names(vmlinux);
        String root = sourceRoot(names);
        List<String> units = new ArrayList<>();
        for (String n : names) {
            String relative = n.startsWith("/") ? (root != null && n.startsWith(root) ? n.substring(root.length()) : null) : n;
            if (relative != null && relative.endsWith(".c") && Files.isRegularFile(source.resolve(relative))) {
                units.add(relative);
            }
        }
        Map<String, List<String>> includes = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>(units);
        while (!todo.isEmpty()) {
            String file = todo.pop();
            if (includes.containsKey(file)) {
                continue;
            }
            List<String> found = includesOf(source, file);
            includes.put(file, found);
            for (String f : found) {
                if (!includes.containsKey(f)) {
                    todo.push(f);
                }
            }
        }
        return new Data(units, includes);
    }

    /** The absolute prefix the kernel's build gave its units' names, told by a unit every kernel has. */
    private static String sourceRoot(List<String> names) {
        for (String n : names) {
            if (n.startsWith("/") && n.endsWith("/init/main.c")) {
                return n.substring(0, n.length() - "init/main.c".length());
            }
        }
        return null;
    }

    private static List<String> includesOf(Path source, String file) {
        String text;
        try {
            text = new String(Files.readAllBytes(source.resolve(file)), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        Matcher m = INCLUDE.matcher(text);
        String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/')) : "";
        while (m.find()) {
            String name = m.group(2);
            String resolved = null;
            if (m.group(1).equals("\"")) {
                resolved = existing(source, normalize(dir.isEmpty() ? name : dir + "/" + name));
            }
            for (int i = 0; resolved == null && i < SEARCH.size(); i++) {
                resolved = existing(source, SEARCH.get(i) + "/" + name);
            }
            if (resolved != null && !out.contains(resolved)) {
                out.add(resolved);
            }
        }
        return out;
    }

    private static String existing(Path source, String relative) {
        return relative != null && Files.isRegularFile(source.resolve(relative)) ? relative : null;
    }

    private static String normalize(String path) {
        Path p = Path.of(path).normalize();
        return p.startsWith("..") ? null : p.toString();
    }
}
