package dev.suture.cli;

import dev.suture.vm.TestVm;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code suture vm run}: boot, run one command, report, and leave nothing running. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Boot a VM, run CMD in it with its output streamed here, stop the VM.",
                "Exits with CMD's status; 125 if the kernel crashed or reported a problem; 124 on timeout.",
                "Several arguments are quoted for the shell; a single argument is run as a shell command."})
final class VmRunCommand implements Callable<Integer> {
    @Mixin
    VmOptions options;

    @Mixin
    GuestCommand guest;

    @Override
    public Integer call() throws Exception {
        String name = "run-" + ProcessHandle.current().pid();
        var spec = options.spec(name);
        TestVm vm = TestVm.boot(spec, false, true, Duration.ofSeconds(options.bootTimeoutSeconds), System.err);
        Thread cleanup = new Thread(vm::stop, "suture-vm-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return VmSession.runReported(vm, guest.command, guest.timeout());
        } finally {
            vm.stop();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }
}
