package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.channel.Channel;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's mistakes, through the CLI against a booted VM: each gets a non-zero exit (or a truthful zero), one
 * {@code suture:} line with the cause, no internal error or stack trace, no output file left, and the VM exactly
 * as it was.
 */
class BadInputVmTest {
    private static final String VM = "itest-badinput";
    private static final String TARGET = "vm:" + VM;
    private static TestVm vm;
    private static Path work;
    private static String before;

    /** One mistake: the arguments, the exit status, and what the first line must say. */
    record Case(String about, int exit, String says, String... args) {
    }

    @BeforeAll
    static void boot(@TempDir Path dir) throws Exception {
        work = dir;
        CachedKernel kernel = Kernels.resolve(null, System.err);
        vm = TestVm.boot(VmSpec.of(VM, kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
        Files.writeString(dir.resolve("unknown.c"), """
                #include "suture.h"
                static int f(void) { return 0; }
                SUTURE_REPLACE(no_such_function_anywhere, f);
                """);
        Files.writeString(dir.resolve("notes.txt"), "not a fix\n");
        Files.writeString(dir.resolve("huge.diff"), """
                --- a/fs/proc/cmdline.c
                +++ b/fs/proc/cmdline.c
                @@ -99999999999,3 +99999999999,4 @@
                 a
                +b
                 c
                """);
        Files.writeString(dir.resolve("nohunks.diff"), "--- a/fs/proc/cmdline.c\n+++ b/fs/proc/cmdline.c\n");
        Files.writeString(dir.resolve("fake.ko"), "this is not an ELF module\n");
        Files.copy(Path.of(System.getProperty("suture.repo", ".")).resolve("examples/cmdline/cmdline.c"), dir.resolve("cmdline.c"));
        Files.createDirectories(dir.resolve("out"));
        before = state(vm.channel());
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.stop();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyMistakeIsOneLineAndChangesNothing() {
        String w = work.toString();
        List<Case> cases = new ArrayList<>(List.of(
                new Case("a fix that does not exist", 2, "no such fix", "build", w + "/missing.c"),
                new Case("a fix of no known kind", 2, "is neither a function file", "build", w + "/notes.txt"),
                new Case("-o into a missing directory", 2, "does not exist", "build", w + "/cmdline.c", "-o", w + "/nowhere/fix.ko"),
                new Case("-o naming a directory", 2, "is a directory", "build", w + "/cmdline.c", "-o", w + "/out"),
                new Case("a function the kernel lacks", 2, "unknown-function: unknown.c:3", "build", w + "/unknown.c", "-o", w + "/unknown.ko"),
                new Case("a hunk header past any file", 2, "malformed hunk header", "build", w + "/huge.diff", "-o", w + "/huge.ko"),
                new Case("a diff without hunks", 2, "nohunks.diff", "build", w + "/nohunks.diff", "-o", w + "/nohunks.ko"),
                new Case("a kernel release that is no release", 2, "nonsense", "build", "--kernel", "nonsense", w + "/cmdline.c"),
                new Case("applying a module that does not exist", 2, "missing.ko", "apply", "--target", TARGET, w + "/missing.ko"),
                new Case("applying a file that is not a module", 2, "fake.ko", "apply", "--target", TARGET, w + "/fake.ko"),
                new Case("reverting a patch that is not applied", 2, "suture_nothing", "revert", "--target", TARGET, "suture_nothing"),
                new Case("switching to an edition never seen", 2, "suture_nothing", "switch", "--target", TARGET, "suture_nothing"),
                new Case("a machine of no known kind", 2, "unknown machine 'ftp:host'", "status", "--target", "ftp:host"),
                new Case("a VM that is not running", 2, "VM 'itest-nosuch' is not running", "status", "--target", "vm:itest-nosuch"),
                new Case("removing a kernel not cached", 2, "nothing to remove", "kernel", "rm", "6.1.0-1-cloud-amd64"),
                new Case("stopping a VM that is not running", 0, "nothing to stop", "vm", "stop", "--name", "itest-nosuch"),
                new Case("pruning something unknown", 2, "unknown thing to prune", "cache", "prune", "everything")));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.about(), () -> check(c)));
    }

    private static void check(Case c) throws Exception {
        List<String> outputsBefore = outputs();
        CliRun run = CliRun.of(c.args());

        assertThat(run.exitCode()).as("exit status").isEqualTo(c.exit());
        List<String> causes = run.err().lines().filter(l -> l.startsWith("suture:")).toList();
        if (c.exit() != 0) {
            assertThat(causes).as("one line with the cause").hasSize(1);
            // A refusal's cause line is followed by its rules, one line each: the rule may be on the next line.
            assertThat(causes.getFirst().contains(c.says()) || run.err().contains("\n  " + c.says()))
                    .as("%s names %s", run.err(), c.says()).isTrue();
            assertThat(run.err()).as("a fix the user can make").contains("  fix: ");
        } else {
            assertThat(run.err()).contains(c.says());
        }
        assertThat(run.err()).doesNotContain("internal error").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(outputs()).as("no output file left").isEqualTo(outputsBefore);
        assertThat(state(vm.channel())).as("the VM as it was").isEqualTo(before);
    }

    /** Everything in the work directory: no module or leftover .part appears. */
    private static List<String> outputs() throws Exception {
        try (var files = Files.walk(work)) {
            return files.map(p -> work.relativize(p).toString()).sorted().toList();
        }
    }

    /** What a Suture command could change on the machine: modules, livepatch state, its store, the taint. */
    private static String state(Channel ch) throws Exception {
        return ch.run("lsmod; ls -la /sys/kernel/livepatch; ls -laR /var/lib/suture 2>&1; cat /proc/sys/kernel/tainted",
                Duration.ofSeconds(60)).output();
    }
}
