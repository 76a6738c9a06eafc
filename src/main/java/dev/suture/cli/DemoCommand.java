package dev.suture.cli;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.target.Channel;
import dev.suture.vm.KernelProblem;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code suture demo}: the main job, one step at a time for a person to follow. For now it gets the
 * default target kernel, boots it in a test VM, shows it running with livepatch available and a
 * workload going, and checks the kernel stayed healthy. Exits 0 only if every step behaved.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Fetch the default target kernel, boot it in a test VM and show it at work.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = {"-k", "--kernel"}, paramLabel = "RELEASE", description = "Target kernel (default: newest cloud-amd64).")
    String kernel;

    private final PrintStream out = System.out;
    private int step;

    @Override
    public Integer call() throws IOException {
        step("Get the target kernel (Debian's image, headers and -dbg packages)");
        CachedKernel target = Kernels.resolve(kernel, System.err);
        out.printf("   %s (package %s), build id %s%n", target.info().release(), target.info().version(),
                target.info().buildId());

        step("Boot it in a test VM");
        try (TestVm vm = TestVm.boot(VmSpec.of("demo-" + ProcessHandle.current().pid(), target), false, true,
                TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            Channel channel = vm.channel();
            TestVm.Snapshot start = vm.snapshot();

            step("The running kernel is the target");
            String release = show(channel, "uname -r");
            expect(release.equals(target.info().release()), "uname -r says " + release);

            step("Livepatch is available in it");
            show(channel, "ls -d /sys/kernel/livepatch && grep -c . /proc/kallsyms | sed 's/$/ symbols in kallsyms/'");

            step("Start a workload that keeps running in the background");
            show(channel, "setsid sh -c 'while true; do cat /proc/cmdline > /dev/null; done' >/dev/null 2>&1 & echo workload started");
            show(channel, "sleep 1; cat /proc/loadavg");

            step("The kernel stayed healthy (no oops, WARN, lockup or new taint)");
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

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new dev.suture.SutureException("demo step failed: " + what, "see the output above");
        }
    }
}
