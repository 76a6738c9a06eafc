package dev.suture.cli;

import dev.suture.kernel.KernelCache;
import dev.suture.kernel.debian.KernelRelease;
import dev.suture.Progress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code suture kernel rm RELEASE}: remove a kernel from the cache. */
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove a kernel from the local cache.")
final class KernelRmCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RELEASE", description = "A cached release, e.g. 6.1.0-56-cloud-amd64.")
    String release;

    @Override
    public Integer call() {
        KernelRelease wanted = KernelRelease.parse(release);
        KernelCache cache = KernelCache.defaultCache();
        cache.remove(wanted, Progress.plain(System.err));
        System.err.println("removed " + wanted + " from " + cache.kernelsDir());
        return 0;
    }
}
