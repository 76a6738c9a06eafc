package dev.suture.kernel;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The modules of one kernel as depmod describes them in {@code modules.dep}: each module's path
 * (relative to {@code /lib/modules/RELEASE}) and the modules it needs loaded first.
 */
public final class ModuleIndex {
    private final Map<String, String> pathByName = new LinkedHashMap<>();
    private final Map<String, List<String>> depsByPath = new LinkedHashMap<>();

    private ModuleIndex() {
    }

    public static ModuleIndex load(Path modulesDir) {
        Path dep = modulesDir.resolve("modules.dep");
        try {
            return parse(Files.readString(dep));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dep, e);
        }
    }

    /** Parses the text of modules.dep: {@code kernel/a/b.ko: kernel/c.ko kernel/d.ko}. */
    public static ModuleIndex parse(String modulesDep) {
        ModuleIndex index = new ModuleIndex();
        for (String line : modulesDep.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String path = line.substring(0, colon).trim();
            String rest = line.substring(colon + 1).trim();
            index.pathByName.put(nameOf(path), path);
            index.depsByPath.put(path, rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
        }
        return index;
    }

    /** The module name the kernel uses: file name without {@code .ko[.xz|.zst|.gz]}, dashes as underscores. */
    public static String nameOf(String pathOrName) {
        String base = pathOrName.substring(pathOrName.lastIndexOf('/') + 1);
        int ko = base.indexOf(".ko");
        if (ko >= 0) {
            base = base.substring(0, ko);
        }
        return base.replace('-', '_');
    }

    /** The modules.dep line of one module path, as depmod wrote it. */
    public String depLine(String path) {
        List<String> deps = depsByPath.getOrDefault(path, List.of());
        return path + ":" + (deps.isEmpty() ? "" : " " + String.join(" ", deps));
    }

    public boolean contains(String name) {
        return pathByName.containsKey(nameOf(name));
    }

    public String pathOf(String name) {
        String path = pathByName.get(nameOf(name));
        if (path == null) {
            throw new SutureException("the kernel has no module named '" + name + "'" + closest(name),
                    "name a module of the target kernel (see its modules.dep) or give the path of a .ko file");
        }
        return path;
    }

    /** The module and everything it needs, in a load order: dependencies before the modules using them. */
    public List<String> loadOrder(String name) {
        Set<String> ordered = new LinkedHashSet<>();
        visit(pathOf(name), ordered, new LinkedHashSet<>());
        return new ArrayList<>(ordered);
    }

    private void visit(String path, Set<String> ordered, Set<String> visiting) {
        if (ordered.contains(path) || !visiting.add(path)) {
            return;
        }
        for (String dep : depsByPath.getOrDefault(path, List.of())) {
            visit(dep, ordered, visiting);
        }
        ordered.add(path);
    }

    private String closest(String name) {
        String wanted = nameOf(name);
        List<String> near = pathByName.keySet().stream()
                .filter(n -> n.contains(wanted) || wanted.contains(n) && n.length() > 2)
                .limit(5).toList();
        return near.isEmpty() ? "" : " (similar: " + String.join(", ", near) + ")";
    }
}
