package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The default target kernel (fetched into the cache when missing): real modules and a real vmlinux to read. */
final class TargetKernel {
    private static CachedKernel kernel;

    private TargetKernel() {
    }

    static synchronized CachedKernel get() {
        if (kernel == null) {
            kernel = Kernels.resolve(null, System.err);
        }
        return kernel;
    }

    /** The module file called {@code fileName} (e.g. {@code xfs.ko}) anywhere in the modules tree. */
    static Path module(String fileName) {
        try (Stream<Path> files = Files.walk(get().modulesDir())) {
            Path found = files.filter(p -> p.getFileName().toString().equals(fileName)).findFirst().orElse(null);
            assertThat(found).as("%s in %s", fileName, get().modulesDir()).isNotNull();
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path vmlinux() {
        return get().vmlinux();
    }
}
