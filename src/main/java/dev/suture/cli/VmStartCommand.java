package dev.suture.cli;

import dev.suture.Json;
import dev.suture.vm.TestVm;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code suture vm start}: boot a VM in the background and return once its shell is ready. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Boot a VM in the background; returns once it is ready for 'vm exec'.",
                "Its channel is the machine 'vm:NAME' of apply/status/revert."})
final class VmStartCommand implements Callable<Integer> {
    @Mixin
    VmOptions options;

    @Mixin
    VmName vmName;

    @Option(names = "--json", description = "Print the VM's state as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        TestVm vm = TestVm.boot(options.spec(vmName.name), true, false,
                Duration.ofSeconds(options.bootTimeoutSeconds), System.err);
        if (json) {
            System.out.println(Json.write(vm.state()));
        } else {
            System.out.printf("VM '%s' is running %s (pid %d); run commands with: suture vm exec --name %s -- CMD%n",
                    vm.state().name(), vm.state().release(), vm.state().pid(), vm.state().name());
            if (vm.state().sshPort() != null) {
                System.out.printf("its SSH server: --target %s --known-hosts %s%n", vm.state().sshTarget(),
                        vm.home().knownHosts());
            }
        }
        return 0;
    }
}
