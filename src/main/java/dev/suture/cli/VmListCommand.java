package dev.suture.cli;

import dev.suture.Json;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmState;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code suture vm list}: the running VMs. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List running VMs.")
final class VmListCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Override
    public Integer call() {
        List<VmState> states = TestVm.listRunning().stream().map(TestVm::state).toList();
        if (json) {
            System.out.println(Json.write(states));
            return 0;
        }
        if (states.isEmpty()) {
            System.out.println("no VM is running");
            return 0;
        }
        System.out.printf("%-16s %-24s %-8s %-5s %-30s %s%n", "NAME", "KERNEL", "PID", "ACCEL", "STARTED", "SSH");
        for (VmState s : states) {
            System.out.printf("%-16s %-24s %-8d %-5s %-30s %s%n", s.name(), s.release(), s.pid(),
                    s.accelerator().name().toLowerCase(java.util.Locale.ROOT), s.startedAt(),
                    s.sshPort() == null ? "-" : s.sshTarget());
        }
        return 0;
    }
}
