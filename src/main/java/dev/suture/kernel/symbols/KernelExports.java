package dev.suture.kernel.symbols;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.ModuleIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The symbols the kernel exports to modules, from the headers' {@code Module.symvers}
 * ({@code CRC<TAB>name<TAB>module<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace}): the module loader resolves these
 * by itself, so a patch module may reference them normally. A symbol exported into a namespace
 * ({@code EXPORT_SYMBOL_NS_GPL(sym, NS)}) may be used only by a module that imports the namespace
 * ({@code MODULE_IMPORT_NS(NS)}): modpost refuses to link one that does not, and the loader to load it.
 */
public final class KernelExports {
    public static final String VMLINUX = "vmlinux";
    private final Map<String, String> exporter;
    private final Map<String, String> namespace;

    private KernelExports(Map<String, String> exporter, Map<String, String> namespace) {
        this.exporter = exporter;
        this.namespace = namespace;
    }

    public static KernelExports of(CachedKernel kernel) {
        try {
            return parse(Files.readString(kernel.headersDir().resolve("Module.symvers")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KernelExports parse(String symvers) {
        Map<String, String> exporter = new HashMap<>();
        Map<String, String> namespace = new HashMap<>();
        for (String line : symvers.split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 3) {
                String module = f[2];
                exporter.put(f[1], module.equals(VMLINUX) ? VMLINUX : ModuleIndex.nameOf(module));
                if (f.length >= 5 && !f[4].isBlank()) {
                    namespace.put(f[1], f[4].strip());
                }
            }
        }
        return new KernelExports(exporter, namespace);
    }

    /** {@code vmlinux} or the module name that exports the symbol, if any does. */
    public Optional<String> exporter(String symbol) {
        return Optional.ofNullable(exporter.get(symbol));
    }

    /** The namespace the symbol is exported into, if it is exported into one. */
    public Optional<String> namespace(String symbol) {
        return Optional.ofNullable(namespace.get(symbol));
    }

    /** The namespaces a module referring to {@code symbols} must import, sorted. */
    public Set<String> namespacesOf(Iterable<String> symbols) {
        Set<String> needed = new TreeSet<>();
        for (String s : symbols) {
            namespace(s).ifPresent(needed::add);
        }
        return needed;
    }
}
