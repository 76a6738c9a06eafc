package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import dev.suture.channel.Channel;
import dev.suture.machine.PatchApplier;
import dev.suture.vm.KernelProblem;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code suture demo}: the main job, one step at a time for a person to follow. A real fix — the cmdline
 * example, a vmlinux function using a non-exported variable — is built for the default target kernel and
 * live-patched into it in a test VM while a workload keeps reading the patched file; then reverted.
 * Exits 0 only if every step behaved.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a real fix and live-patch it into the target kernel running in a test VM, then revert it.")
final class DemoCommand implements Callable<Integer> {
    private static final String FIX = "examples/cmdline/cmdline.c";
    private static final String WORKLOAD_LOG = "/tmp/workload.count";
    /**
     * The workload loop. Its count goes to a temporary file renamed over the log: a rename replaces the file
     * whole, so a reader finds the previous count or the next one, never the empty file that {@code echo > file}
     * leaves between truncating and writing (the demo once failed reading "" there).
     */
    private static final String WORKLOAD = "setsid sh -c 'n=0; while true; do cat /proc/cmdline > /dev/null; n=$((n+1));"
            + " echo $n > " + WORKLOAD_LOG + ".tmp; mv -f " + WORKLOAD_LOG + ".tmp " + WORKLOAD_LOG + "; done'"
            + " >/dev/null 2>&1 & echo workload started";
    /** How long the workload may take to count once more: generous, as a VM under TCG on a busy host is slow. */
    private static final Duration WORKLOAD_WAIT = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Option(names = {"-k", "--kernel"}, paramLabel = "RELEASE", description = "Target kernel (default: newest cloud-amd64).")
    String kernel;

    @Option(names = "--fix", paramLabel = "FIX.c", description = "The function file to demonstrate (default: " + FIX + ").")
    Path fix;

    private final PrintStream out = System.out;
    private int step;

    @Override
    public Integer call() throws IOException {
        Path fixFile = fix != null ? fix : repo().resolve(FIX);
        step("Get the target kernel (Debian's image, headers and -dbg packages)");
        CachedKernel targetKernel = Kernels.resolve(kernel, TerminalProgress.to(System.err));
        out.printf("   %s (package %s), build id %s%n", targetKernel.info().release(), targetKernel.info().version(),
                targetKernel.info().buildId());

        step("Build the fix " + fixFile.getFileName() + " into a livepatch module for exactly that kernel");
        Path work = Files.createTempDirectory("suture-demo");
        try {
            return demo(targetKernel, fixFile, work.resolve(PatchBuild.moduleName(fixFile) + ".ko"));
        } finally {
            removeOwnFolder(work);
        }
    }

    /** Removes the demo's own folder (it holds at most the module built); best effort, never hiding a failure. */
    private static void removeOwnFolder(Path work) {
        try (var files = Files.list(work)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(work);
        } catch (IOException e) {
            // A leftover folder in the temporary directory is harmless.
        }
    }

    private int demo(CachedKernel targetKernel, Path fixFile, Path ko) throws IOException {
        long started = System.nanoTime();
        var built = new PatchBuild(targetKernel, System.err).build(FixSource.read(fixFile), ko, false).orThrow();
        out.printf("   built %s (%d bytes) in %.1f s%n", ko.getFileName(), Files.size(ko), (System.nanoTime() - started) / 1e9);
        built.manifest().functions().forEach(f -> out.printf("   replaces %s:%s with %s%n", f.object(), f.name(), f.replacement()));
        built.livepatchSymbols().forEach(s -> out.printf("   livepatch resolves %s in %s%n", s.name(), s.object()));

        step("Boot the target kernel in a test VM");
        try (TestVm vm = TestVm.boot(VmSpec.of("demo-" + ProcessHandle.current().pid(), targetKernel), false, true,
                TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            Channel channel = vm.channel();
            TestVm.Snapshot start = vm.snapshot();
            String release = show(channel, "uname -r");
            expect(release.equals(targetKernel.info().release()), "uname -r says " + release);

            step("Start a workload that keeps reading /proc/cmdline, and show the old behaviour");
            show(channel, WORKLOAD);
            long atStart = workloadCount(channel, 0);
            String before = show(channel, "cat /proc/cmdline");
            expect(!before.contains("suture.patched"), "the unpatched kernel already shows the change");

            step("Apply the patch live, while the workload runs");
            PatchManifest manifest = ManifestReader.read(ko);
            PatchApplier applier = new PatchApplier(channel, PatchApplier.lines(line -> out.println("   " + line)));
            applier.apply(ko, manifest, TIMEOUT);

            step("The new behaviour");
            String after = show(channel, "cat /proc/cmdline");
            expect(after.contains("suture.patched="), "the patched kernel does not show the change");
            show(channel, "cat /sys/kernel/livepatch/" + manifest.name() + "/enabled");

            step("Revert the patch live");
            applier.revert(manifest.name(), TIMEOUT);

            step("The old behaviour is back, and the workload ran throughout");
            String reverted = show(channel, "cat /proc/cmdline");
            expect(reverted.equals(before), "after revert /proc/cmdline reads '" + reverted + "'");
            long atEnd = workloadCount(channel, atStart);
            workloadCount(channel, atEnd);

            step("The kernel stayed healthy (no oops, WARN, lockup or taint beyond livepatch's O, E, K)");
            List<KernelProblem> problems = vm.problemsSince(start);
            problems.forEach(p -> out.println("   " + p.describe()));
            expect(problems.isEmpty(), problems.size() + " kernel problem(s)");
            out.println("   none");
        }
        out.println();
        out.println("demo passed: every step behaved");
        return 0;
    }

    private void step(String title) {
        out.printf("%n[%d] %s%n", ++step, title);
    }

    private String show(Channel channel, String command) throws IOException {
        out.println("   vm$ " + command);
        Channel.CommandResult result = channel.run(command);
        result.output().lines().forEach(l -> out.println("   " + l));
        expect(result.ok(), "'" + command + "' exited " + result.exitCode());
        return result.output().strip();
    }

    /**
     * The workload's count once it is above {@code above}, read as often as needed within {@link #WORKLOAD_WAIT}:
     * right after the start there is no file yet, and a read that finds no number is retried, never parsed.
     * Fails the step if the count does not grow in that time: the workload stopped.
     */
    private long workloadCount(Channel channel, long above) throws IOException {
        out.println("   vm$ cat " + WORKLOAD_LOG);
        long deadline = System.nanoTime() + WORKLOAD_WAIT.toNanos();
        String read = "";
        while (true) {
            Channel.CommandResult result = channel.run("cat " + WORKLOAD_LOG + " 2>/dev/null");
            read = result.ok() ? result.output().strip() : "";
            if (read.matches("[0-9]{1,18}") && Long.parseLong(read) > above) {
                out.println("   " + read);
                return Long.parseLong(read);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new SutureException("demo step failed: the workload is not counting: " + WORKLOAD_LOG + " "
                        + (read.isEmpty() ? "could not be read" : "held '" + read.replaceAll("\\s+", " ") + "'")
                        + " after " + WORKLOAD_WAIT.toSeconds() + " s waiting for a count above " + above,
                        "see the output above");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("the demo was interrupted");
            }
        }
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new SutureException("demo step failed: " + what, "see the output above");
        }
    }

    /** The checkout this runs from: the examples live there. */
    private static Path repo() {
        String explicit = System.getProperty("suture.repo");
        if (explicit != null) {
            return Path.of(explicit);
        }
        try {
            // The jar is built somewhere below the checkout (target/launcher/suture.jar): the checkout holds examples/.
            Path at = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
            while (at != null && !Files.isDirectory(at.resolve("examples"))) {
                at = at.getParent();
            }
            return at != null ? at : Path.of(".");
        } catch (java.net.URISyntaxException e) {
            return Path.of(".");
        }
    }
}
