package dev.suture.cli;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.KernelCache;
import dev.suture.kernel.KernelFetcher;
import dev.suture.kernel.debian.KernelRelease;
import dev.suture.kernel.Kernels;
import dev.suture.Progress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code suture kernel fetch [RELEASE]}: put a Debian kernel into the cache. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Download a Debian kernel's packages (image, headers, kbuild, debug symbols) and keep",
                "what Suture uses in the cache. Does nothing when the kernel is already cached.",
                "Nothing is installed on this host. Progress goes to stderr; the cache directory to stdout."})
final class KernelFetchCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "RELEASE",
            description = "A release such as 6.1.0-56-cloud-amd64 (default: the newest complete cloud-amd64 kernel).")
    String release;

    @Override
    public Integer call() {
        KernelRelease wanted = release == null ? Kernels.defaultRelease() : KernelRelease.parse(release);
        CachedKernel kernel = new KernelFetcher(KernelCache.defaultCache(), TerminalProgress.to(System.err)).fetch(wanted);
        System.out.println(kernel.dir());
        return 0;
    }
}
