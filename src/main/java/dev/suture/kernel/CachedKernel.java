package dev.suture.kernel;

import dev.suture.kernel.debian.KernelRelease;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** One fetched target kernel in the cache, with the paths of the parts Suture uses. */
public record CachedKernel(Path dir, KernelInfo info) {
    public static final String INFO_FILE = "kernel.json";

    public KernelRelease release() {
        return KernelRelease.parse(info.release());
    }

    /** The bootable image (bzImage), as Debian ships it. */
    public Path vmlinuz() {
        return dir.resolve("vmlinuz");
    }

    /** The kernel's build configuration. */
    public Path config() {
        return dir.resolve("config");
    }

    /** The unstripped kernel from the -dbg package: the symbol table and build id. */
    public Path vmlinux() {
        return dir.resolve("vmlinux");
    }

    /** The {@code /lib/modules/RELEASE} tree of the image package, with modules.dep made by depmod. */
    public Path modulesDir() {
        return dir.resolve("modules");
    }

    /** The kbuild tree for external modules: {@code make -C headersDir() M=...}. */
    public Path headersDir() {
        return dir.resolve("headers/usr/src/linux-headers-" + info.release());
    }

    /** Bytes the cached files take (walks the tree; a second or so for a kernel with its headers). */
    public long sizeOnDisk() {
        try {
            return FileTrees.size(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
