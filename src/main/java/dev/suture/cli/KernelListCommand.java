package dev.suture.cli;

import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.KernelCache;
import dev.suture.kernel.KernelInfo;
import dev.suture.Progress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code suture kernel list}: the kernels in the local cache. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the cached kernels, newest first, with their size on disk and build id.")
final class KernelListCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    /** The JSON form of one cached kernel: its kernel.json plus where it is and how big. */
    record Entry(String release, String version, String buildId, String dir, long sizeBytes, Instant fetchedAt,
                 List<KernelInfo.PackageRef> packages, List<String> warnings) {
        static Entry of(CachedKernel k) {
            KernelInfo i = k.info();
            return new Entry(i.release(), i.version(), i.buildId(), k.dir().toString(), k.sizeOnDisk(),
                    i.fetchedAt(), i.packages(), i.warnings());
        }
    }

    @Override
    public Integer call() {
        KernelCache cache = KernelCache.defaultCache();
        List<CachedKernel> kernels = cache.list();
        if (json) {
            System.out.println(Json.write(kernels.stream().map(Entry::of).toList()));
            return 0;
        }
        if (kernels.isEmpty()) {
            System.out.println("no kernel is cached in " + cache.kernelsDir()
                    + "; fetch one with 'suture kernel fetch'");
            return 0;
        }
        TextTable table = new TextTable("RELEASE", "VERSION", "SIZE", "BUILD ID");
        for (CachedKernel k : kernels) {
            table.row(k.info().release(), k.info().version(), Progress.megabytes(k.sizeOnDisk()), k.info().buildId());
        }
        table.print(System.out);
        return 0;
    }
}
