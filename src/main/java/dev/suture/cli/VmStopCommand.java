package dev.suture.cli;

import dev.suture.vm.TestVm;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code suture vm stop}: stop a running VM. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a running VM (or all of them).")
final class VmStopCommand implements Callable<Integer> {
    @Mixin
    VmName vmName;

    @Option(names = "--all", description = "Stop every running VM.")
    boolean all;

    @Override
    public Integer call() {
        if (!all && TestVm.find(vmName.name).isEmpty()) {
            // Stopping is idempotent: a VM that is not running is already where the user wants it.
            System.err.printf("VM '%s' is not running: nothing to stop%n", vmName.name);
            return 0;
        }
        var vms = all ? TestVm.listRunning() : java.util.List.of(TestVm.attach(vmName.name));
        for (TestVm vm : vms) {
            vm.stop();
            System.err.printf("stopped VM '%s'%n", vm.state().name());
        }
        return 0;
    }
}
