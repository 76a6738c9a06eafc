package dev.suture.cli;

import dev.suture.vm.TestVm;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture vm exec}: run a command in a running VM. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run CMD in a running VM, streaming its output; exits with CMD's status",
                "(125 if the kernel reported a problem meanwhile, 124 on timeout).",
                "Processes CMD leaves in the background (setsid ... &) keep running."})
final class VmExecCommand implements Callable<Integer> {
    @Mixin
    VmName vmName;

    @Option(names = {"-t", "--timeout"}, paramLabel = "SECONDS", defaultValue = "600",
            description = "How long CMD may run (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command to run in the VM.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        return VmSession.runReported(TestVm.attach(vmName.name), command, Duration.ofSeconds(timeoutSeconds));
    }
}
