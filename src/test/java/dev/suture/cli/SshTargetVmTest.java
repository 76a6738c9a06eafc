package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.channel.LocalSshServer;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import dev.suture.vm.SshServer;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands over SSH, against a booted VM's own SSH server (dropbear and sudo from Debian's packages, forwarded
 * from 127.0.0.1): a host key that is unknown or changed is refused before anything runs there; with the VM's key
 * trusted, apply, status, list, switch and revert act on the guest's kernel exactly as through the VM agent, as root
 * and as a non-root login with passwordless sudo (whose files are root's, for any later command); a non-root login
 * without sudo is refused with the fix; an installed edition comes back after a reboot, under the same host key, and
 * once uninstalled it does not. The guest is observed through the agent, not through SSH.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SshTargetVmTest {
    private static TestVm vm;
    private static Path work;
    private static Path identity;
    private static Path trusted;
    private static Path cmdlineKo;
    private static Path cumulativeKo;
    private static String target;

    @BeforeAll
    static void boot(@TempDir Path dir) throws Exception {
        work = dir;
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path repo = Path.of(System.getProperty("suture.repo", "."));
        cmdlineKo = dir.resolve("suture_cmdline.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(repo.resolve("examples/cmdline/cmdline.c")), cmdlineKo, false).orThrow();
        cumulativeKo = dir.resolve("suture_cumulative.ko");
        new PatchBuild(kernel, System.err).build(FixSource.read(repo.resolve("examples/editions/cumulative.c")), cumulativeKo, true).orThrow();

        KeyPair key = LocalSshServer.newKey();
        identity = LocalSshServer.writePrivateKey(key, dir.resolve("id_test"));
        vm = TestVm.boot(VmSpec.of("itest-ssh", kernel).withSsh(new SshServer(List.of(PublicKeyEntry.toString(key.getPublic())))),
                false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
        assertThat(vm.state().sshPort()).isNotNull();
        target = vm.state().sshTarget();
        trusted = vm.home().knownHosts();
        assertThat(Files.readString(trusted)).isEqualTo(vm.state().knownHostsLine() + "\n");
    }

    @AfterAll
    static void stop() {
        MachineOption.closeAll();
        if (vm != null) {
            vm.stop();
        }
    }

    private static CliRun suture(Path knownHosts, String... args) {
        return suture(target, knownHosts, args);
    }

    private static CliRun suture(String machine, Path knownHosts, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--target", machine, "--identity", identity.toString(), "--known-hosts", knownHosts.toString()));
        CliRun run = CliRun.of(all.toArray(String[]::new));
        MachineOption.closeAll();
        return run;
    }

    /** What an apply leaves, even a refused one: the lock (the agent keeps its own files beside it) and the store. */
    private static final String UNTOUCHED = "[ -L /run/suture/lock ] || [ -e /var/lib/suture ] && echo touched || echo untouched";
    /** The lock is a symlink to a holder's text, not to a file: -L, since -e follows it and is always false. */
    private static final String LOCK = "[ -L /run/suture/lock ] && echo held || echo free";

    private static String guest(String command) throws Exception {
        return vm.channel().run(command).output();
    }

    @Test
    @Order(1)
    void anUnknownHostKeyIsRefusedBeforeAnythingRuns() throws Exception {
        Path empty = Files.writeString(work.resolve("empty_known_hosts"), "");
        CliRun run = suture(empty, "apply", cmdlineKo.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        String fingerprint = fingerprint();
        assertThat(run.err()).startsWith("suture: " + target + ": the host key is not known: ssh-ed25519 " + fingerprint)
                .contains("--accept-new-host-key").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(guest(UNTOUCHED)).as("no lock: nothing ran").isEqualTo("untouched\n");
        assertThat(guest("grep -c 'auth succeeded' /tmp/dropbear.log || true").strip()).as("no login at all").isEqualTo("0");
        assertThat(Files.readString(empty)).isEmpty();
    }

    @Test
    @Order(2)
    void aChangedHostKeyIsRefusedEvenWithAcceptNewHostKey() throws Exception {
        KeyPair other = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        Path changed = Files.writeString(work.resolve("changed_known_hosts"),
                "[127.0.0.1]:" + vm.state().sshPort() + " " + PublicKeyEntry.toString(other.getPublic()) + "\n");
        CliRun run = suture(changed, "apply", "--accept-new-host-key", cmdlineKo.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(target + ": the host key has CHANGED").contains(fingerprint())
                .contains(changed + ":1").contains("ssh-keygen -R").doesNotContain("\tat ");
        assertThat(guest(UNTOUCHED)).isEqualTo("untouched\n");
        assertThat(guest("grep -c 'auth succeeded' /tmp/dropbear.log || true").strip()).isEqualTo("0");
    }

    @Test
    @Order(3)
    void aNonRootLoginWithPasswordlessSudoAppliesAndRevertsThroughSudo() throws Exception {
        String cmdline = guest("cat /proc/cmdline").strip();
        String viaSudo = "ssh:" + SshServer.USER + "@127.0.0.1:" + vm.state().sshPort();
        assertThat(guest("[ -e /var/lib/suture ] && echo kept || echo none")).as("the first apply of this VM").isEqualTo("none\n");

        CliRun apply = suture(viaSudo, trusted, "apply", cmdlineKo.toString());
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(guest("cat /proc/cmdline")).contains("suture.patched=");
        assertThat(guest("cat /sys/kernel/livepatch/suture_cmdline/enabled").strip()).isEqualTo("1");
        assertThat(guest("grep -c \"auth succeeded for '" + SshServer.USER + "'\" /tmp/dropbear.log || true").strip())
                .as("it logged in as " + SshServer.USER).isNotEqualTo("0");

        CliRun status = suture(viaSudo, trusted, "status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).startsWith(viaSudo + " runs ").contains("suture_cmdline: enabled").contains("cmdline_proc_show");

        // Everything the command left on the machine is root's, as if root had run it; nothing is the login's.
        String owners = guest("find /run/suture /var/lib/suture -exec stat -c '%u:%g %A %n' {} +");
        assertThat(owners).contains("/var/lib/suture/editions/suture_cmdline");
        assertThat(owners.lines()).allSatisfy(line -> assertThat(line).startsWith("0:0 "));
        String ofTheLogin = " \\( -user " + SshServer.USER_UID + " -o -group " + SshServer.USER_UID + " \\)";
        assertThat(guest("find /home/" + SshServer.USER + ofTheLogin)).as("the login's own files").isNotEmpty();
        assertThat(guest("find /run /tmp /var /root" + ofTheLogin)).as("nothing anywhere Suture writes is the login's").isEmpty();
        assertThat(guest(LOCK)).isEqualTo("free\n");

        // Root takes over from there (the store, the lock's directory), and the login again from root.
        CliRun switched = suture(trusted, "switch", cumulativeKo.toString());
        assertThat(switched.exitCode()).as(switched.err()).isZero();
        assertThat(guest("cat /proc/cmdline")).isEqualTo(cmdline + " edition-c\n");

        CliRun revert = suture(viaSudo, trusted, "revert", "--all");
        assertThat(revert.exitCode()).as(revert.err()).isZero();
        assertThat(guest("cat /proc/cmdline")).isEqualTo(cmdline + "\n");
        assertThat(guest("ls /sys/kernel/livepatch")).isEmpty();
        assertThat(guest("grep -c '^suture_' /proc/modules || true").strip()).as("every edition unloaded").isEqualTo("0");
        assertThat(guest(LOCK)).isEqualTo("free\n");
    }

    @Test
    @Order(4)
    void applyStatusListSwitchAndRevertOverSsh() throws Exception {
        String cmdline = guest("cat /proc/cmdline").strip();

        CliRun apply = suture(trusted, "apply", cmdlineKo.toString());
        assertThat(apply.exitCode()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("suture_cmdline");
        assertThat(guest("cat /proc/cmdline")).contains("suture.patched=");
        assertThat(guest("cat /sys/kernel/livepatch/suture_cmdline/enabled").strip()).isEqualTo("1");

        CliRun status = suture(trusted, "status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).startsWith(target + " runs ").contains("suture_cmdline: enabled")
                .contains("cmdline_proc_show");

        CliRun list = suture(trusted, "list", "--json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("\"suture_cmdline\"");

        CliRun switched = suture(trusted, "switch", cumulativeKo.toString());
        assertThat(switched.exitCode()).as(switched.err()).isZero();
        assertThat(guest("cat /proc/cmdline")).isEqualTo(cmdline + " edition-c\n");
        assertThat(guest("grep -c suture_cmdline /proc/modules || true").strip()).as("the replaced edition is unloaded").isEqualTo("0");

        CliRun revert = suture(trusted, "revert", "--all");
        assertThat(revert.exitCode()).as(revert.err()).isZero();
        assertThat(guest("cat /proc/cmdline")).isEqualTo(cmdline + "\n");
        assertThat(guest("ls /sys/kernel/livepatch")).isEmpty();
        assertThat(guest(LOCK)).as("every lock released").isEqualTo("free\n");
        assertThat(vm.problemsSince(new TestVm.Snapshot(0, vm.state().taintAtBoot()))).isEmpty();
    }

    @Test
    @Order(5)
    void aNonRootLoginWithoutSudoIsRefusedWithTheFix() throws Exception {
        String nonRoot = "ssh:" + SshServer.NO_SUDO_USER + "@127.0.0.1:" + vm.state().sshPort();
        CliRun run = suture(nonRoot, trusted, "status");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(nonRoot + ": " + SshServer.NO_SUDO_USER + " is not root (uid "
                        + SshServer.NO_SUDO_USER_UID + ") and 'sudo -n' does not work for it there")
                .contains("--target ssh:root@127.0.0.1:" + vm.state().sshPort()).contains("NOPASSWD");
    }

    @Test
    @Order(6)
    void vmListNamesTheSshTarget() {
        CliRun run = CliRun.of("vm", "list");
        assertThat(run.out()).containsPattern("itest-ssh .* " + java.util.regex.Pattern.quote(target));
    }

    @Test
    @Order(7)
    void anEditionInstalledOverSshComesBackAfterARebootUntilUninstalled() throws Exception {
        CliRun install = suture(trusted, "install", cmdlineKo.toString());
        assertThat(install.exitCode()).as(install.err()).isZero();
        assertThat(guest("cat /proc/cmdline")).as("applied now too").contains("suture.patched=");
        assertThat(guest("ls /var/lib/suture/installed")).contains("suture_cmdline.ko");

        reboot();
        // The boot hook loads the edition and goes on booting; status exits 3 while that transition still runs.
        awaitSettled("suture_cmdline");
        CliRun status = suture(trusted, "status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).startsWith(target + " runs ").contains("suture_cmdline: enabled").contains("cmdline_proc_show");
        assertThat(guest("cat /proc/cmdline")).contains("suture.patched=");

        CliRun uninstall = suture(trusted, "uninstall", "suture_cmdline");
        assertThat(uninstall.exitCode()).as(uninstall.err()).isZero();
        assertThat(guest("cat /proc/cmdline")).as("still applied until reverted").contains("suture.patched=");

        reboot();
        CliRun after = suture(trusted, "status");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(after.out()).contains("no livepatch applied").doesNotContain("suture_cmdline");
        assertThat(guest("cat /proc/cmdline")).doesNotContain("suture.patched");
        assertThat(guest("ls /sys/kernel/livepatch")).isEmpty();
    }

    /**
     * Reboots the VM and points the commands at it again. Its SSH server keeps its host key: the commands trust only
     * the key from before the reboot (at the port the VM has now: the same one unless another program took it).
     */
    /** Waits (at most 60 s) until the patch's transition is over, as a script would before asking status. */
    private static void awaitSettled(String patch) throws Exception {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!guest("cat /sys/kernel/livepatch/" + patch + "/transition 2>/dev/null").strip().equals("0")) {
            assertThat(System.nanoTime()).as(patch + " applied at boot and settled within 60 s").isLessThan(until);
            Thread.sleep(250);
        }
    }

    private static void reboot() throws Exception {
        String hostKey = vm.state().sshHostKey();
        int port = vm.state().sshPort();
        vm = vm.reboot(TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
        double uptime = Double.parseDouble(guest("cat /proc/uptime").split(" ")[0]);
        assertThat(uptime).as("a fresh boot").isLessThan(60);
        assertThat(vm.state().sshHostKey()).as("the same host key").isEqualTo(hostKey);
        if (vm.state().sshPort() != port) {
            System.err.printf("the SSH port changed across the reboot: %d -> %d%n", port, vm.state().sshPort());
        }
        target = vm.state().sshTarget();
        trusted = Files.writeString(work.resolve("known_hosts_" + vm.state().sshPort()),
                "[127.0.0.1]:" + vm.state().sshPort() + " " + hostKey + "\n");
    }

    private static String fingerprint() throws Exception {
        var entry = PublicKeyEntry.parsePublicKeyEntry(vm.state().sshHostKey());
        return KeyUtils.getFingerPrint(entry.resolvePublicKey(null, null, null));
    }
}
