package dev.suture.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ssh-agent protocol against OpenSSH's own ssh-agent: listing keys, signing (RSA with SHA-2), refusals, dead peers. */
class SshAgentClientTest {
    @TempDir
    Path dir;
    private SshAgentProcess agent;
    private KeyPair ed25519;
    private KeyPair rsa;

    @BeforeEach
    void start() throws Exception {
        agent = SshAgentProcess.start(dir);
        ed25519 = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        rsa = KeyUtils.generateKeyPair("ssh-rsa", 2048);
        agent.add(ed25519, "edwards", false);
        agent.add(rsa, "rivest", false);
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
    }

    @Test
    void listsTheKeysAndSignsWithEachAsTheLoginAsks() throws Exception {
        byte[] data = "the session id and the login request".getBytes(StandardCharsets.UTF_8);
        try (SshAgentClient client = SshAgentClient.connect(agent.socket)) {
            var keys = client.identities();
            assertThat(keys).hasSize(2);
            assertThat(KeyUtils.compareKeys(keys.get(0).key(), ed25519.getPublic())).isTrue();
            assertThat(keys.get(0).describe()).isEqualTo("ssh-ed25519 " + SshHostKeys.fingerprint(ed25519.getPublic()) + " (edwards)");
            assertThat(KeyUtils.compareKeys(keys.get(1).key(), rsa.getPublic())).isTrue();
            assertThat(keys.get(1).comment()).isEqualTo("rivest");

            verify(client.sign(null, ed25519.getPublic(), "ssh-ed25519", data), "ssh-ed25519", BuiltinSignatures.ed25519, ed25519, data);
            // Without the SHA-2 flags the agent would sign with ssh-rsa (SHA-1), which MINA's login refuses as a mismatch.
            verify(client.sign(null, rsa.getPublic(), "rsa-sha2-256", data), "rsa-sha2-256", BuiltinSignatures.rsaSHA256, rsa, data);
            verify(client.sign(null, rsa.getPublic(), "rsa-sha2-512", data), "rsa-sha2-512", BuiltinSignatures.rsaSHA512, rsa, data);
            assertThat(client.signFailure()).isNull();
        }
    }

    private static void verify(Map.Entry<String, byte[]> signed, String algorithm, BuiltinSignatures factory, KeyPair key,
                               byte[] data) throws Exception {
        assertThat(signed.getKey()).isEqualTo(algorithm);
        Signature verifier = factory.create();
        verifier.initVerifier(null, key.getPublic());
        verifier.update(null, data);
        assertThat(verifier.verify(null, signed.getValue())).as(algorithm + " signature verifies with the public key").isTrue();
        verifier.initVerifier(null, key.getPublic());
        verifier.update(null, "other data".getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(null, signed.getValue())).as("and only for the data signed").isFalse();
    }

    @Test
    void aKeyTheAgentMayNotUseUnconfirmedIsRefusedAndTheRefusalKept() throws Exception {
        KeyPair confirmed = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        agent.add(confirmed, "ask-me", true);
        try (SshAgentClient client = SshAgentClient.connect(agent.socket)) {
            assertThat(client.identities()).hasSize(3);
            assertThatThrownBy(() -> client.sign(null, confirmed.getPublic(), "ssh-ed25519", new byte[] {1, 2, 3}))
                    .isInstanceOf(IOException.class)
                    .hasMessage("the ssh-agent refused to sign with ssh-ed25519 " + SshHostKeys.fingerprint(confirmed.getPublic())
                            + " (ask-me) (it answered SSH_AGENT_FAILURE)");
            assertThat(client.signFailure()).hasMessageContaining("refused to sign");
            assertThat(client.sign(null, ed25519.getPublic(), "ssh-ed25519", new byte[] {1}).getKey())
                    .as("the connection still serves other keys").isEqualTo("ssh-ed25519");
        }
    }

    @Test
    void anAgentThatEndedIsSaidToBeGone() throws Exception {
        agent.kill();
        assertThat(agent.socket).as("a killed agent leaves its socket behind").exists();
        assertThatThrownBy(() -> SshAgentClient.connect(agent.socket)).isInstanceOf(IOException.class);
        assertThat(SshAgentLogin.find(agent.socket).problem())
                .isEqualTo("the ssh-agent at " + agent.socket + " (SSH_AUTH_SOCK) does not answer: connection refused (the agent has ended)");
        Path missing = dir.resolve("no-such.sock");
        assertThat(SshAgentLogin.find(missing).problem())
                .isEqualTo("the ssh-agent at " + missing + " (SSH_AUTH_SOCK) does not answer: no such socket (the agent has ended)");
        assertThat(SshAgentLogin.find(missing).usable()).isFalse();
    }

    @Test
    void aPeerThatIsNoAgentIsToldApart() throws Exception {
        Path socket = dir.resolve("not-an-agent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread peer = Thread.ofVirtual().start(() -> {
                try (SocketChannel first = server.accept()) {
                    first.read(ByteBuffer.allocate(64));
                    first.write(ByteBuffer.wrap("HTTP/1.1 400 Bad Request\r\n".getBytes(StandardCharsets.US_ASCII)));
                    try (SocketChannel silent = server.accept()) {
                        silent.read(ByteBuffer.allocate(64));
                        Thread.sleep(5_000);
                    }
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            try (SshAgentClient client = SshAgentClient.connect(socket)) {
                assertThatThrownBy(client::identities).isInstanceOf(IOException.class)
                        .hasMessageContaining("sent a message of").hasMessageEndingWith("bytes; is it an ssh-agent?");
            }
            long started = System.nanoTime();
            try (SshAgentClient client = SshAgentClient.connect(socket, Duration.ofSeconds(1))) {
                assertThatThrownBy(client::identities).isInstanceOf(IOException.class)
                        .hasMessage("the ssh-agent at " + socket + " did not answer within 1 s");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            peer.interrupt();
        }
    }

    @Test
    void onlyAnRsaKeyGetsHashFlags() {
        assertThat(SshAgentClient.flags("rsa-sha2-256")).isEqualTo(2);
        assertThat(SshAgentClient.flags("rsa-sha2-512")).isEqualTo(4);
        assertThat(SshAgentClient.flags("rsa-sha2-512-cert-v01@openssh.com")).isEqualTo(4);
        assertThat(SshAgentClient.flags("ssh-ed25519")).isZero();
        assertThat(SshAgentClient.flags("ecdsa-sha2-nistp256")).isZero();
    }
}
