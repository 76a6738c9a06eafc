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

/**
 * The symbols the kernel exports to modules, from the headers' {@code Module.symvers}
 * ({@code CRC<TAB>name<TAB>module<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace}): the module loader resolves these
 * by itself, so a patch module may reference them normally.
 */
public final class KernelExports {
    public static final String VMLINUX = "vmlinux";
    private final Map<String, String> exporter;

    private KernelExports(Map<String, String> exporter) {
        this.exporter = exporter;
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
        for (String line : symvers.split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 3) {
                String module = f[2];
                exporter.put(f[1], module.equals(VMLINUX) ? VMLINUX : ModuleIndex.nameOf(module));
            }
        }
        return new KernelExports(exporter);
    }

    /** {@code vmlinux} or the module name that exports the symbol, if any does. */
    public Optional<String> exporter(String symbol) {
        return Optional.ofNullable(exporter.get(symbol));
    }
}
