package dev.suture.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in with the ssh-agent's keys: a real ssh-agent holds keys whose files are gone, the user's ~/.ssh is an
 * empty folder and there is no --identity, and the server authorizes exactly one key, so a login proves the agent
 * signed with that key.
 */
class SshAgentLoginTest {
    @TempDir
    Path dir;
    private Path sshDir;
    private Path knownHosts;
    private SshAgentProcess agent;
    private LocalSshServer server;
    private KeyPair ed25519;
    private KeyPair rsa;

    @BeforeEach
    void start() throws Exception {
        sshDir = Files.createDirectories(dir.resolve("home/.ssh"));
        knownHosts = dir.resolve("known_hosts");
        agent = SshAgentProcess.start(Files.createDirectories(dir.resolve("agent")));
        ed25519 = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        rsa = KeyUtils.generateKeyPair("ssh-rsa", 3072);
        agent.add(ed25519, "edwards", false);
        agent.add(rsa, "rivest", false);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        agent.close();
    }

    private void serve(KeyPair authorized) throws Exception {
        server = LocalSshServer.start(authorized.getPublic(), null);
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(server.hostKey.getPublic()) + "\n");
    }

    private SshAddress address() {
        return new SshAddress("root", "127.0.0.1", server.port());
    }

    private SshOptions options() {
        return SshOptions.defaults().withKnownHosts(knownHosts);
    }

    private SshEnvironment withAgent(Path socket) {
        return new SshEnvironment(sshDir, socket);
    }

    @Test
    void theAgentsEd25519KeyLogsIn() throws Exception {
        serve(ed25519);
        assertThat(sshDir).isEmptyDirectory();
        try (SshChannel ch = SshChannel.connect(address(), options(), withAgent(agent.socket))) {
            assertThat(ch.run("echo over-the-agent").output()).isEqualTo("over-the-agent\n");
        }
    }

    @Test
    void theAgentsRsaKeyLogsInWithSha2() throws Exception {
        serve(rsa);
        // The agent holds the ed25519 key first: it is offered, declined, and the RSA key is signed with next.
        try (SshChannel ch = SshChannel.connect(address(), options(), withAgent(agent.socket))) {
            assertThat(ch.run("echo rsa").output()).isEqualTo("rsa\n");
        }
    }

    @Test
    void withoutTheAgentTheSameLoginHasNoKey() throws Exception {
        serve(ed25519);
        assertThatThrownBy(() -> SshChannel.connect(address(), options(), withAgent(null)))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("no key to log in with (no ssh-agent (SSH_AUTH_SOCK is not set), and none of "
                        + sshDir.resolve("id_ed25519"))
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("ssh-add FILE").contains("--identity FILE"));
        assertThat(server.commands).isEmpty();
    }

    @Test
    void keysTheMachineDoesNotTakeAreNamedWithTheirFingerprints() throws Exception {
        serve(KeyUtils.generateKeyPair("ssh-ed25519", 256));
        assertThatThrownBy(() -> SshChannel.connect(address(), options(), withAgent(agent.socket)))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("root may not log in with the ssh-agent's ssh-ed25519 "
                        + SshHostKeys.fingerprint(ed25519.getPublic()) + " (edwards), ssh-rsa "
                        + SshHostKeys.fingerprint(rsa.getPublic()) + " (rivest)");
        assertThat(server.commands).isEmpty();
    }

    @Test
    void anAgentThatWillNotSignStopsTheLoginInOneLine() throws Exception {
        KeyPair confirmed = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        agent.add(confirmed, "ask-me", true);
        serve(confirmed);
        assertThatThrownBy(() -> SshChannel.connect(address(), options(), withAgent(agent.socket)))
                .isInstanceOf(SutureException.class)
                .hasMessage("ssh:root@127.0.0.1:" + server.port() + ": the ssh-agent refused to sign with ssh-ed25519 "
                        + SshHostKeys.fingerprint(confirmed.getPublic()) + " (ask-me) (it answered SSH_AGENT_FAILURE)")
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("ssh-add -c").contains("--identity FILE"));
        assertThat(server.commands).isEmpty();
    }

    /**
     * A stale SSH_AUTH_SOCK (the agent ended, its socket left) does not stop a login the key files can do: it is
     * warned about, and the key files log in. With no key files either, the error names the dead agent.
     */
    @Test
    void aDeadAgentLeavesTheLoginToTheKeyFilesWithAWarning() throws Exception {
        agent.kill();
        KeyPair file = LocalSshServer.newKey();
        serve(file);
        String problem = "the ssh-agent at " + agent.socket + " (SSH_AUTH_SOCK) does not answer: connection refused (the agent has ended)";
        assertThatThrownBy(() -> SshChannel.connect(address(), options(), withAgent(agent.socket)))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("no key to log in with (" + problem + ", and none of");

        LocalSshServer.writePrivateKey(file, sshDir.resolve("id_ed25519"));
        var err = new ByteArrayOutputStream();
        PrintStream was = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (SshChannel ch = SshChannel.connect(address(), options(), withAgent(agent.socket))) {
            assertThat(ch.run("echo from-the-file").output()).isEqualTo("from-the-file\n");
        } finally {
            System.setErr(was);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("ssh:root@127.0.0.1:" + server.port() + ": " + problem + "; logging in with key files only\n");
    }
}
