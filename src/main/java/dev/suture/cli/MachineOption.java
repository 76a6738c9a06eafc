package dev.suture.cli;

import dev.suture.channel.Channel;
import dev.suture.channel.LocalChannel;
import dev.suture.channel.SshAddress;
import dev.suture.channel.SshChannel;
import dev.suture.channel.SshOptions;
import dev.suture.machine.MachineSpec;
import dev.suture.vm.TestVm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --target} option: which machine a command acts on, turned into its channel. */
final class MachineOption {
    /** SSH connections opened by commands of this process; each is closed at its end (see {@link #closeAll}). */
    private static final List<SshChannel> OPEN = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(MachineOption::closeAll, "suture-ssh-close"));
    }

    @Option(names = {"-T", "--target"}, paramLabel = "MACHINE", defaultValue = "local",
            description = "Where to act: local (this host), vm (the VM named default), vm:NAME, or ssh:[USER@]HOST[:PORT] "
                    + "(default: ${DEFAULT-VALUE}).")
    String machine;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "ssh: also trust the host keys in FILE (besides ~/.ssh/known_hosts); with --accept-new-host-key, record new keys there.")
    Path knownHosts;

    @Option(names = "--accept-new-host-key",
            description = "ssh: trust a machine whose host key is not known yet, and record it (a changed key is still refused).")
    boolean acceptNewHostKey;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "ssh: also log in with this private key. Keys are offered in this order: the ssh-agent's "
                    + "(SSH_AUTH_SOCK), this FILE, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa (unencrypted). No passwords.")
    Path identity;

    @Option(names = "--sudo",
            description = "ssh: run every command under 'sudo -n' (the default when the login is not root and sudo -n works).")
    boolean sudo;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "20",
            description = "ssh: how long connecting and logging in may take, each (default: ${DEFAULT-VALUE}).")
    int connectTimeoutSeconds = (int) SshOptions.DEFAULT_CONNECT_TIMEOUT.toSeconds(); // also when made without picocli (build --target)

    /** The channel; an SSH machine is connected here, once per command, and its host key checked first. */
    Channel channel() {
        return switch (MachineSpec.parse(machine)) {
            case MachineSpec.Local local -> new LocalChannel();
            case MachineSpec.Vm vm -> TestVm.attach(vm.name()).channel();
            case MachineSpec.Ssh ssh -> {
                SshChannel channel = SshChannel.connect(address(ssh), sshOptions());
                synchronized (OPEN) {
                    OPEN.add(channel);
                }
                yield channel;
            }
        };
    }

    SshOptions sshOptions() {
        java.time.Duration limit = java.time.Duration.ofSeconds(Math.max(1, connectTimeoutSeconds));
        return new SshOptions(knownHosts, identity, acceptNewHostKey, sudo, limit, limit);
    }

    /** As ssh does, the login defaults to the name of the user running Suture. */
    static SshAddress address(MachineSpec.Ssh ssh) {
        return new SshAddress(ssh.user() != null ? ssh.user() : System.getProperty("user.name"), ssh.host(), ssh.port());
    }

    /**
     * Closes the SSH connections this process opened. A command's connection lives as long as the command: the
     * process ends with it (the shutdown hook), and in-process callers (tests) may call this between commands.
     */
    static void closeAll() {
        List<SshChannel> open;
        synchronized (OPEN) {
            open = List.copyOf(OPEN);
            OPEN.clear();
        }
        open.forEach(SshChannel::close);
    }
}
