package dev.suture.cli;

import dev.suture.vm.TestVm;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code suture vm reboot}: restart a VM the way a machine reboots, keeping Suture's state on it. */
@Command(name = "reboot", mixinStandardHelpOptions = true,
        description = {"Reboot a running VM: the same kernel, files and modules; the guest's /var/lib/suture",
                "(installed editions and their boot hook) survives, as a disk would keep it."})
final class VmRebootCommand implements Callable<Integer> {
    @Mixin
    VmName vmName;

    @Option(names = "--boot-timeout", paramLabel = "SECONDS", defaultValue = "90",
            description = "How long to wait for the VM to be ready (default: ${DEFAULT-VALUE}).")
    int bootTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        TestVm vm = TestVm.attach(vmName.name).reboot(Duration.ofSeconds(bootTimeoutSeconds), System.err);
        System.err.printf("VM '%s' rebooted (pid %d)%n", vm.state().name(), vm.state().pid());
        return 0;
    }
}
