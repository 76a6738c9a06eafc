package dev.suture.cli;

import dev.suture.Json;
import dev.suture.kernel.debian.DebianPackageIndex;
import dev.suture.kernel.KernelCache;
import dev.suture.kernel.debian.KernelRelease;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code suture kernel list-available}: the kernels in Debian's archive, as apt knows it. */
@Command(name = "list-available", mixinStandardHelpOptions = true,
        description = {"List the kernels in Debian's archive (as apt knows it), newest first, with the parts",
                "the archive still has: headers, debug symbols (dbg), kbuild, source.",
                "A kernel can be fetched when it has headers, dbg and a kbuild."})
final class KernelListAvailableCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Option(names = "--all-flavours", description = "Include every flavour, not only cloud-amd64 and amd64.")
    boolean allFlavours;

    /** One line of the listing; the JSON form of it. */
    record Row(String release, String version, String flavour, boolean headers, boolean dbg, String kbuild,
               boolean kbuildExact, boolean source, boolean fetchable, boolean cached, boolean isDefault) {
    }

    @Override
    public Integer call() {
        DebianPackageIndex index = DebianPackageIndex.system();
        Optional<String> defaultRelease = index.defaultRelease().map(KernelRelease::toString);
        KernelCache cache = KernelCache.defaultCache();
        List<Row> rows = index.kernels(allFlavours).stream().map(k -> new Row(k.release(), k.version(),
                k.flavour(), k.headers(), k.dbg(), k.kbuild(), k.kbuildExact(), k.source(), k.fetchable(),
                cache.find(KernelRelease.parse(k.release())).isPresent(),
                defaultRelease.filter(k.release()::equals).isPresent())).toList();
        if (json) {
            System.out.println(Json.write(rows));
            return 0;
        }
        TextTable table = new TextTable("RELEASE", "VERSION", "HEADERS", "DBG", "KBUILD", "SOURCE", "CACHED");
        for (Row r : rows) {
            table.row((r.isDefault() ? "* " : "  ") + r.release(), r.version(), mark(r.headers()), mark(r.dbg()),
                    kbuild(r), mark(r.source()), r.cached() ? "cached" : "");
        }
        table.print(System.out);
        System.out.println();
        System.out.println("* the default kernel; ~ kbuild of the nearest version (the archive lacks the kernel's own)");
        return 0;
    }

    private static String mark(boolean present) {
        return present ? "yes" : "-";
    }

    private static String kbuild(Row r) {
        if (r.kbuild() == null) {
            return "-";
        }
        return r.kbuildExact() ? "yes" : "~" + r.kbuild();
    }
}
