package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.channel.AgentChannel;
import dev.suture.channel.LocalChannel;
import dev.suture.channel.LocalSshServer;
import dev.suture.channel.SshAddress;
import dev.suture.channel.SshChannel;
import dev.suture.channel.SshEnvironment;
import dev.suture.channel.SshOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemedyTest {
    @TempDir
    Path dir;

    @Test
    void aSuggestedCommandActsOnTheMachineItIsAbout() {
        var vm = new AgentChannel("lab", Path.of("/nonexistent/agent.sock"), Path.of("/nonexistent/agent.lock"));
        assertThat(Remedy.suture(vm, "revert", "suture_fix")).isEqualTo("'suture revert --target vm:lab suture_fix'");
        assertThat(Remedy.suture(vm, "status")).isEqualTo("'suture status --target vm:lab'");
        assertThat(Remedy.suture(new LocalChannel(), "revert", "suture_fix")).isEqualTo("'suture revert suture_fix'");
    }

    /**
     * An SSH machine reached with --known-hosts, --identity, --sudo, a port and a timeout of the user's: the
     * suggested command repeats them (paths absolute, quoted for the shell), so it reaches the machine as printed;
     * --accept-new-host-key is not repeated (the key is recorded now; a new one is the user's call each time).
     */
    @Test
    void anSshMachinesCommandRepeatsHowItWasReached() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("my keys"));
        KeyPair key = LocalSshServer.newKey();
        Path identity = LocalSshServer.writePrivateKey(key, keys.resolve("id_lab"));
        Path knownHosts = keys.resolve("known_hosts");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("sudo"), "#!/bin/sh\n[ \"$1\" = -n ] || exit 9\nshift\nexec \"$@\"\n");
        // As the command line gives them: --known-hosts, --identity, --accept-new-host-key, --sudo, --connect-timeout 7.
        SshOptions given = new SshOptions(knownHosts, identity, true, true, Duration.ofSeconds(7), Duration.ofSeconds(7));
        try (var server = LocalSshServer.start(key.getPublic(), bin);
             var ssh = SshChannel.connect(new SshAddress("deploy", "127.0.0.1", server.port()), given,
                     new SshEnvironment(dir.resolve("home/.ssh"), null))) {
            String expected = "'suture revert --target ssh:deploy@127.0.0.1:" + server.port()
                    + " --known-hosts '" + knownHosts + "' --identity '" + identity + "' --sudo --connect-timeout 7 suture_fix'";
            assertThat(Remedy.suture(ssh, "revert", "suture_fix")).isEqualTo(expected);
            var bounded = new BoundedChannel(ssh, Deadline.after(Duration.ofMinutes(1)));
            assertThat(Remedy.suture(bounded, "revert", "suture_fix")).as("the same through a deadline").isEqualTo(expected);

            // Pasted into a shell, each option reaches suture as one argument (the path with a space too).
            Path fake = bin.resolve("suture");
            script(fake, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
            String pasted = expected.substring(1, expected.length() - 1);
            Process sh = new ProcessBuilder("/bin/sh", "-c", "PATH=" + bin + ":$PATH; " + pasted).redirectErrorStream(true).start();
            List<String> args = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(sh.waitFor()).isZero();
            assertThat(args).containsExactly("revert", "--target", "ssh:deploy@127.0.0.1:" + server.port(),
                    "--known-hosts", knownHosts.toString(), "--identity", identity.toString(), "--sudo",
                    "--connect-timeout", "7", "suture_fix");

            // Reached as printed: those options, without accepting any key, connect again.
            SshOptions printed = new SshOptions(knownHosts, identity, false, true, Duration.ofSeconds(7), Duration.ofSeconds(7));
            try (var again = SshChannel.connect(new SshAddress("deploy", "127.0.0.1", server.port()), printed,
                    new SshEnvironment(dir.resolve("home/.ssh"), null))) {
                assertThat(again.run("echo again").output()).isEqualTo("again\n");
            }
        }
    }

    @Test
    void defaultsAreNotRepeated() {
        assertThat(SshOptions.defaults().commandLine()).isEmpty();
        assertThat(SshOptions.defaults().acceptingNewHostKey(true).commandLine()).as("never --accept-new-host-key").isEmpty();
        assertThat(SshOptions.defaults().withKnownHosts(Path.of("/k/known_hosts")).commandLine())
                .containsExactly("--known-hosts", "/k/known_hosts");
    }

    private static void script(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
