package dev.suture.kernel;

import dev.suture.kernel.debian.HostCommand;
import dev.suture.kernel.debian.KernelRelease;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes {@code modules.dep} (and its companions) for a modules tree. Debian's image package leaves that to
 * its postinst, which a fetch never runs; without it, modprobe in a test VM finds nothing. depmod only works
 * on {@code BASE/lib/modules/RELEASE}, so it is pointed at a scratch base whose one entry links to the tree.
 */
final class Depmod {
    private Depmod() {
    }

    static void run(Path modulesDir, KernelRelease release, Path scratch) {
        try {
            Path base = scratch.resolve("depmod-base");
            Path link = base.resolve("lib/modules").resolve(release.toString());
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, modulesDir.toAbsolutePath());
            HostCommand.run(List.of(depmod(), "-b", base.toString(), release.toString()), "install kmod");
            if (!Files.isRegularFile(modulesDir.resolve("modules.dep"))) {
                throw new SutureException("depmod made no modules.dep in " + modulesDir,
                        "check that kmod's depmod works on this host: depmod -b BASE " + release);
            }
            FileTrees.delete(base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** depmod lives in /usr/sbin, which an ordinary user's PATH may lack. */
    private static String depmod() {
        return Stream.of("/usr/sbin/depmod", "/sbin/depmod")
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElse("depmod");
    }
}
