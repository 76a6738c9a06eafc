package dev.suture.cli;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.build.KernelSource;
import dev.suture.kernel.Kernels;
import dev.suture.Progress;
import dev.suture.kernel.build.SourceTree;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code suture kernel source}: the exact source of a target kernel, configured and prepared. */
@Command(name = "source", mixinStandardHelpOptions = true,
        description = {"Fetch Debian's linux-source of exactly the release's version, unpack it, configure it from the",
                "target's own .config (BUILD_SALT included) and run make prepare once. Prints the source directory."})
final class KernelSourceCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "RELEASE", description = "Default: the newest cloud-amd64 release.")
    String release;

    @Override
    public Integer call() {
        CachedKernel kernel = Kernels.resolve(release, TerminalProgress.to(System.err));
        SourceTree tree = new KernelSource(DebianPackageIndex.system(), TerminalProgress.to(System.err)).prepare(kernel);
        System.err.println("prepared build directory: " + tree.build());
        System.out.println(tree.source());
        return 0;
    }
}
