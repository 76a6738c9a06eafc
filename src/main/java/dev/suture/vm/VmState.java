package dev.suture.vm;

import java.time.Instant;

/**
 * What Suture records about a running test VM ({@code vm.json} in its directory).
 *
 * @param taintAtBoot {@code /proc/sys/kernel/tainted} once the VM was ready: later taint is compared to it
 * @param sshPort     the port on 127.0.0.1 forwarded to the VM's SSH server, or null without one
 * @param sshHostKey  that server's host key ({@code ssh-ed25519 AAAA...}), or null
 */
public record VmState(String name, String release, long pid, Qemu.Accelerator accelerator, Instant startedAt,
                      double bootSeconds, long taintAtBoot, boolean ephemeral, boolean background, Recipe recipe,
                      Integer sshPort, String sshHostKey) {

    /** The machine to name in {@code --target} for this VM's SSH server as root, or null without one. */
    public String sshTarget() {
        return sshPort == null ? null : "ssh:root@127.0.0.1:" + sshPort;
    }

    /** The known_hosts line of the VM's SSH server (OpenSSH's form for a port other than 22), or null. */
    public String knownHostsLine() {
        return sshPort == null ? null : "[127.0.0.1]:" + sshPort + " " + sshHostKey;
    }

    /** What the VM was booted with, so {@code vm reboot} can boot it the same way. */
    public record Recipe(int cpus, int memoryMb, java.util.List<String> files, java.util.List<String> modules,
                         java.util.List<String> includeModules, String append, SshServer ssh) {
        static Recipe of(VmSpec spec) {
            return new Recipe(spec.cpus(), spec.memoryMb(),
                    spec.files().stream().map(f -> f.host().toAbsolutePath() + ":" + f.guest()).toList(),
                    spec.modules(), spec.includeModules(), spec.extraKernelArgs(), spec.ssh());
        }

        VmSpec spec(String name, dev.suture.kernel.CachedKernel kernel) {
            return new VmSpec(name, kernel, cpus, memoryMb, files.stream().map(VmSpec.GuestFile::parse).toList(),
                    modules, includeModules, append, ssh);
        }
    }
}
