package dev.suture.vm;

import dev.suture.channel.AgentChannel;

import dev.suture.SutureException;
import dev.suture.SutureHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The directory of one named test VM: its initramfs, console log, agent socket, pid file and state. */
public record VmHome(String name, Path dir) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    public static final String DEFAULT_NAME = "default";

    public static Path vmsDir() {
        return SutureHome.vms();
    }

    public static VmHome of(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new SutureException("invalid VM name '" + name + "'",
                    "use up to 32 letters, digits, '.', '_' or '-'");
        }
        return new VmHome(name, vmsDir().resolve(name));
    }

    /** All VM directories present, running or not. */
    public static List<VmHome> all() {
        if (!Files.isDirectory(vmsDir())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(vmsDir())) {
            List<VmHome> homes = new ArrayList<>();
            dirs.filter(Files::isDirectory).sorted(Comparator.naturalOrder())
                    .forEach(d -> homes.add(new VmHome(d.getFileName().toString(), d)));
            return homes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes a stopped VM's folder (initramfs, console log, state); a running VM is refused.
     *
     * @return false when the VM is running
     */
    public boolean removeIfStopped() throws IOException {
        if (TestVm.find(name).isPresent()) {
            return false;
        }
        dev.suture.kernel.FileTrees.delete(dir);
        return true;
    }

    public Path initramfs() {
        return dir.resolve("initramfs.cpio");
    }

    public Path consoleLog() {
        return dir.resolve("console.log");
    }

    public Path agentSocket() {
        return dir.resolve("agent.sock");
    }

    public Path agentLock() {
        return dir.resolve("agent.lock");
    }

    public Path pidFile() {
        return dir.resolve("qemu.pid");
    }

    public Path qemuLog() {
        return dir.resolve("qemu.log");
    }

    /** What the guest kept in /var/lib/suture when it was last rebooted; put back at the next boot. */
    public Path persistedState() {
        return dir.resolveSibling(name + ".state.tar");
    }

    /** The VM's SSH host key (dropbear's format), kept across a reboot like {@link #persistedState()}. */
    public Path sshHostKey() {
        return dir.resolveSibling(name + ".ssh_host_key");
    }

    /** A known_hosts file with the VM's SSH host key, for {@code --known-hosts}. */
    public Path knownHosts() {
        return dir.resolve("known_hosts");
    }

    public Path stateFile() {
        return dir.resolve("vm.json");
    }

    public AgentChannel channel() {
        return new AgentChannel(name, agentSocket(), agentLock());
    }
}
