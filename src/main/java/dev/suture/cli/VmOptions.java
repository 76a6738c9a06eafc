package dev.suture.cli;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.vm.SshServer;
import dev.suture.vm.VmSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options shared by {@code vm run} and {@code vm start}: which kernel and what goes into the VM. */
final class VmOptions {
    @Option(names = {"-k", "--kernel"}, paramLabel = "RELEASE",
            description = "Target kernel release (default: the newest cloud-amd64 release; fetched if not cached).")
    String kernel;

    @Option(names = "--file", paramLabel = "HOST[:GUEST]",
            description = "Copy a host file into the VM (default destination /root/NAME). Repeatable.")
    List<String> files = new ArrayList<>();

    @Option(names = {"-m", "--module"}, paramLabel = "KO|NAME",
            description = "Load at boot, with its dependencies: a .ko path or a module of the target kernel. Repeatable.")
    List<String> modules = new ArrayList<>();

    @Option(names = "--include-module", paramLabel = "NAME",
            description = "Ship a module of the target kernel (and its dependencies) so 'modprobe NAME' works later. Repeatable.")
    List<String> includeModules = new ArrayList<>();

    @Option(names = "--cpus", defaultValue = "" + VmSpec.DEFAULT_CPUS, description = "Virtual CPUs (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--memory", paramLabel = "MIB", defaultValue = "" + VmSpec.DEFAULT_MEMORY_MB,
            description = "Memory in MiB (default: ${DEFAULT-VALUE}).")
    int memoryMb;

    @Option(names = "--boot-timeout", paramLabel = "SECONDS", defaultValue = "90",
            description = "How long to wait for the VM to be ready (default: ${DEFAULT-VALUE}).")
    int bootTimeoutSeconds;

    @Option(names = "--append", paramLabel = "ARGS", description = "Extra kernel command-line arguments.")
    String append = "";

    @Option(names = "--ssh", description = {"Run an SSH server (dropbear) in the VM, forwarded from a free port on 127.0.0.1;",
            "'vm list' shows its --target ssh:root@127.0.0.1:PORT. Keys: --ssh-key, or your ~/.ssh/id_*.pub."})
    boolean ssh;

    @Option(names = "--ssh-key", paramLabel = "FILE.pub",
            description = "A public key that may log in to the VM's SSH server (implies --ssh). Repeatable.")
    List<java.nio.file.Path> sshKeys = new ArrayList<>();

    VmSpec spec(String name) {
        // The keys are read before the kernel is resolved: a missing key is reported before any download.
        SshServer server = ssh || !sshKeys.isEmpty() ? SshServer.authorizing(sshKeys) : null;
        CachedKernel cached = Kernels.resolve(kernel, TerminalProgress.to(System.err));
        return new VmSpec(name, cached, cpus, memoryMb, files.stream().map(VmSpec.GuestFile::parse).toList(),
                modules, includeModules, append, server);
    }
}
