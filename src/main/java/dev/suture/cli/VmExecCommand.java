package dev.suture.cli;

import dev.suture.vm.TestVm;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code suture vm exec}: run a command in a running VM. */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run CMD in a running VM, streaming its output; exits with CMD's status",
                "(125 if the kernel reported a problem meanwhile, 124 on timeout).",
                "Processes CMD leaves in the background (setsid ... &) keep running."})
final class VmExecCommand implements Callable<Integer> {
    @Mixin
    VmName vmName;

    @Mixin
    GuestCommand guest;

    @Override
    public Integer call() throws Exception {
        return VmSession.runReported(TestVm.attach(vmName.name), guest.command, guest.timeout());
    }
}
