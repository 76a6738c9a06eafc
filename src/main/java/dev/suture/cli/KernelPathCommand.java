package dev.suture.cli;

import dev.suture.kernel.KernelCache;
import dev.suture.kernel.debian.KernelRelease;
import dev.suture.kernel.Kernels;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code suture kernel path [RELEASE]}: where a cached kernel lives, for scripts. */
@Command(name = "path", mixinStandardHelpOptions = true,
        description = {"Print the cache directory of a cached kernel, e.g. for",
                "make -C $(suture kernel path R)/headers/usr/src/linux-headers-R M=$PWD modules"})
final class KernelPathCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "RELEASE", description = "A cached release (default: the default kernel).")
    String release;

    @Override
    public Integer call() {
        KernelRelease wanted = release == null ? Kernels.defaultRelease() : KernelRelease.parse(release);
        System.out.println(KernelCache.defaultCache().require(wanted).dir());
        return 0;
    }
}
