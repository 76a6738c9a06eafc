package dev.suture.cli;

import dev.suture.channel.ShellQuote;
import dev.suture.channel.AgentChannel;
import dev.suture.vm.KernelProblem;
import dev.suture.vm.TestVm;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** Runs one command in a VM with its output streamed, and turns kernel trouble into a failed exit status. */
final class VmSession {
    private VmSession() {
    }

    static int runReported(TestVm vm, List<String> command, Duration timeout) throws IOException {
        PrintStream out = System.out;
        TestVm.Snapshot before;
        try {
            before = vm.snapshot();
        } catch (AgentChannel.AgentTimeoutException hung) {
            System.err.println("suture: the VM does not answer (" + hung.getMessage() + "); last console lines:\n"
                    + vm.consoleTail(20));
            System.err.println("  fix: stop it with 'suture vm stop --name " + vm.state().name() + "' and start it again");
            return VmCommand.EXIT_TIMEOUT;
        }
        int status;
        try {
            status = vm.channel().run(ShellQuote.join(command), out, timeout);
        } catch (AgentChannel.VmGoneException gone) {
            out.flush();
            waitForConsole();
            List<KernelProblem> problems = vm.problemsSince(before);
            System.err.println("suture: the VM stopped while the command ran: "
                    + (problems.isEmpty() ? "no kernel report on the console" : "kernel crash"));
            report(problems);
            if (problems.isEmpty()) {
                System.err.println("last console lines:\n" + vm.consoleTail(20));
            }
            return VmCommand.EXIT_KERNEL_PROBLEM;
        } catch (AgentChannel.AgentTimeoutException timedOut) {
            out.flush();
            System.err.println("suture: the command did not finish within " + timeout.toSeconds() + " s");
            report(vm.problemsSince(before));
            return VmCommand.EXIT_TIMEOUT;
        }
        out.flush();
        List<KernelProblem> problems = vm.problemsSince(before);
        if (!problems.isEmpty()) {
            System.err.println("suture: the command exited " + status + " but the kernel reported a problem");
            report(problems);
            return VmCommand.EXIT_KERNEL_PROBLEM;
        }
        return status;
    }

    private static void report(List<KernelProblem> problems) {
        for (KernelProblem problem : problems) {
            System.err.println("suture: " + problem.describe());
            for (String line : problem.context()) {
                System.err.println("  | " + line);
            }
        }
    }

    /** QEMU writes the console file as the guest prints; give a dying guest's last lines a moment to land. */
    private static void waitForConsole() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
