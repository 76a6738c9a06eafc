package dev.suture.cli;

import dev.suture.Json;
import dev.suture.Progress;
import dev.suture.SutureException;
import dev.suture.SutureHome;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.FileTrees;
import dev.suture.kernel.KernelCache;
import dev.suture.kernel.build.KernelSource;
import dev.suture.kernel.debian.KernelRelease;
import dev.suture.patch.module.PatchBuild;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture cache}: what Suture keeps on this host, with sizes, and pruning what the user names. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = {"Show what Suture keeps on this host (kernels, their prepared sources, build work directories,",
                "test VMs, crash reports) with sizes; with 'prune', remove what you name. Nothing in use is removed:",
                "a running VM, a build's work directory, a source a build compiles against."},
        subcommands = CacheCommand.Prune.class)
final class CacheCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    /** One thing Suture keeps. {@code kind}: kernel, source, build, vm or crash. */
    record Entry(String kind, String name, long bytes, String path, String note) {
    }

    @Override
    public Integer call() throws IOException {
        List<Entry> entries = entries();
        if (json) {
            System.out.println(Json.write(entries));
            return 0;
        }
        TextTable table = new TextTable("KIND", "NAME", "SIZE", "NOTE");
        long total = 0;
        for (Entry e : entries) {
            table.row(e.kind(), e.name(), Progress.megabytes(e.bytes()), e.note());
            total += e.bytes();
        }
        table.print(System.out);
        System.out.printf("%d item%s, %s in %s%n", entries.size(), entries.size() == 1 ? "" : "s",
                Progress.megabytes(total), SutureHome.dir());
        return 0;
    }

    static List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        for (CachedKernel k : KernelCache.defaultCache().list()) {
            Path source = KernelSource.dirOf(k);
            long sourceBytes = Files.isDirectory(source) ? FileTrees.size(source) : 0;
            out.add(new Entry("kernel", k.info().release(), k.sizeOnDisk() - sourceBytes, k.dir().toString(),
                    "package " + k.info().version()));
            if (Files.isDirectory(source)) {
                out.add(new Entry("source", k.info().release(), sourceBytes, source.toString(),
                        "prepared source, pristine objects, include index"));
            }
        }
        for (Path build : PatchBuild.leftoverWorkDirectories()) {
            out.add(new Entry("build", build.getFileName().toString(), FileTrees.size(build), build.toString(),
                    "work directory no build is using"));
        }
        for (VmHome vm : VmHome.all()) {
            boolean running = TestVm.find(vm.name()).isPresent();
            out.add(new Entry("vm", vm.name(), FileTrees.size(vm.dir()), vm.dir().toString(), running ? "running" : "stopped"));
        }
        Path crashes = SutureHome.dir().resolve("crash");
        if (Files.isDirectory(crashes)) {
            try (var files = Files.list(crashes)) {
                for (Path f : files.sorted().toList()) {
                    out.add(new Entry("crash", f.getFileName().toString(), Files.size(f), f.toString(), "internal error report"));
                }
            }
        }
        return out;
    }

    /** {@code suture cache prune WHAT...}. */
    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Remove what Suture keeps, by name: builds (work directories no build uses), vms (stopped",
                    "test VMs), crashes, source:RELEASE or sources (prepared sources; fetched again with",
                    "'suture kernel source'), kernel:RELEASE (the whole cached kernel)."})
    static final class Prune implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "WHAT", description = "builds, vms, crashes, sources, source:RELEASE, kernel:RELEASE")
        List<String> what;

        @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws IOException {
            for (String w : what) {
                if (!w.matches("builds|vms|crashes|sources|(source|kernel):\\S+")) {
                    throw new SutureException("unknown thing to prune: '" + w + "'",
                            "name one of: builds, vms, crashes, sources, source:RELEASE, kernel:RELEASE (see 'suture cache')");
                }
            }
            long freed = 0;
            for (String w : what) {
                freed += prune(w);
            }
            System.err.printf("%s %s%n", dryRun ? "would free" : "freed", Progress.megabytes(freed));
            return 0;
        }

        private long prune(String what) throws IOException {
            long freed = 0;
            boolean anyNamed = false;
            String kind = what.contains(":") ? what.substring(0, what.indexOf(':')) : what;
            String release = what.contains(":") ? what.substring(what.indexOf(':') + 1) : null;
            // Listed afresh for each thing named: pruning a kernel before its source removes both.
            for (Entry e : entries()) {
                boolean named = switch (kind) {
                    case "builds" -> e.kind().equals("build");
                    case "vms" -> e.kind().equals("vm");
                    case "crashes" -> e.kind().equals("crash");
                    case "sources" -> e.kind().equals("source");
                    case "source", "kernel" -> e.kind().equals(kind) && e.name().equals(release);
                    default -> false;
                };
                anyNamed |= named;
                if (named && remove(e)) {
                    freed += e.bytes();
                }
            }
            if (release != null && !anyNamed) {
                System.err.printf("no %s %s in the cache: nothing to remove%n", kind, release);
            }
            return freed;
        }

        private boolean remove(Entry e) throws IOException {
            String verb = dryRun ? "would remove" : "removed";
            if (dryRun && !(e.kind().equals("vm") && e.note().equals("running"))) {
                System.err.printf("%s %s %s (%s)%n", verb, e.kind(), e.name(), Progress.megabytes(e.bytes()));
                return true;
            }
            boolean removed = switch (e.kind()) {
                case "build" -> PatchBuild.removeLeftover(Path.of(e.path()));
                case "vm" -> VmHome.of(e.name()).removeIfStopped();
                case "crash" -> {
                    Files.deleteIfExists(Path.of(e.path()));
                    yield true;
                }
                case "source" -> KernelSource.remove(KernelCache.defaultCache().require(KernelRelease.parse(e.name())));
                case "kernel" -> {
                    KernelCache.defaultCache().remove(KernelRelease.parse(e.name()), Progress.plain(System.err));
                    yield true;
                }
                default -> false;
            };
            if (removed) {
                System.err.printf("%s %s %s (%s)%n", verb, e.kind(), e.name(), Progress.megabytes(e.bytes()));
            } else {
                System.err.printf("kept %s %s: it is in use%n", e.kind(), e.name());
            }
            return removed;
        }
    }
}
