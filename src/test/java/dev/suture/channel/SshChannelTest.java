package dev.suture.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH channel against an SSH server on 127.0.0.1 (see {@link LocalSshServer}): host keys, login, commands, files. */
class SshChannelTest {
    @TempDir
    Path dir;
    private KeyPair clientKey;
    private Path identity;
    private Path knownHosts;
    private LocalSshServer server;

    @BeforeEach
    void start() throws Exception {
        clientKey = LocalSshServer.newKey();
        identity = LocalSshServer.writePrivateKey(clientKey, dir.resolve("id_test"));
        knownHosts = dir.resolve("known_hosts");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private SshAddress address() {
        return new SshAddress("root", "127.0.0.1", server.port());
    }

    private SshOptions options() {
        return SshOptions.defaults().withIdentity(identity).withKnownHosts(knownHosts);
    }

    /** A user with an empty ~/.ssh and no ssh-agent, whatever the user running the tests has: only --identity logs in. */
    private SshChannel connect(SshAddress address, SshOptions options) {
        return SshChannel.connect(address, options, new SshEnvironment(dir.resolve("home/.ssh"), null));
    }

    private void trust(java.security.PublicKey key) throws Exception {
        Files.writeString(knownHosts, "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(key) + "\n");
    }

    @Test
    void unknownHostKeyIsRefusedBeforeAnyCommandWithItsFingerprint() throws Exception {
        server = LocalSshServer.start(clientKey.getPublic(), null);
        Files.writeString(knownHosts, "");
        assertThatThrownBy(() -> connect(address(), options()))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("ssh:root@127.0.0.1:" + server.port() + ": the host key is not known: ssh-ed25519 "
                        + SshHostKeys.fingerprint(server.hostKey.getPublic()))
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("--accept-new-host-key")
                        .contains("ssh-keyscan -p " + server.port() + " 127.0.0.1"));
        assertThat(server.commands).as("nothing ran").isEmpty();
        assertThat(Files.readString(knownHosts)).as("nothing recorded without being asked").isEmpty();
    }

    @Test
    void changedHostKeyIsRefusedEvenWhenAskedToAcceptNewKeys() throws Exception {
        server = LocalSshServer.start(clientKey.getPublic(), null);
        trust(LocalSshServer.newKey().getPublic());
        assertThatThrownBy(() -> connect(address(), options().acceptingNewHostKey(true)))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("the host key has CHANGED")
                .hasMessageContaining(SshHostKeys.fingerprint(server.hostKey.getPublic()))
                .hasMessageContaining(knownHosts + ":1")
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("ssh-keygen -R '[127.0.0.1]:" + server.port() + "'"));
        assertThat(server.commands).as("nothing ran").isEmpty();
    }

    @Test
    void acceptNewHostKeyRecordsItAndTheNextConnectionTrustsIt() throws Exception {
        server = LocalSshServer.start(clientKey.getPublic(), null);
        try (SshChannel ch = connect(address(), options().acceptingNewHostKey(true))) {
            assertThat(ch.run("echo hi").output()).isEqualTo("hi\n");
        }
        assertThat(Files.readString(knownHosts)).isEqualTo("[127.0.0.1]:" + server.port() + " "
                + PublicKeyEntry.toString(server.hostKey.getPublic()) + "\n");
        try (SshChannel ch = connect(address(), options())) {
            assertThat(ch.describe()).isEqualTo("ssh:root@127.0.0.1:" + server.port());
            assertThat(ch.usesSudo()).isFalse();
        }
    }

    @Test
    void commandsFilesAndTimeoutsOverOneConnection() throws Exception {
        server = LocalSshServer.start(clientKey.getPublic(), null);
        trust(server.hostKey.getPublic());
        try (SshChannel ch = connect(address(), options())) {
            var streamed = new ByteArrayOutputStream();
            assertThat(ch.run("echo out; echo err >&2; exit 7", streamed, Duration.ofSeconds(30))).isEqualTo(7);
            assertThat(streamed.toString(StandardCharsets.UTF_8)).contains("out\n").contains("err\n").doesNotMatch("(?s)^[0-9]+\n.*");
            assertThat(ch.run("cat").output()).as("stdin is /dev/null, as locally").isEmpty();

            byte[] binary = new byte[300_000];
            new java.util.Random(1).nextBytes(binary);
            String remote = dir.resolve("sub/dir/file.bin").toString();
            ch.writeFile(remote, binary, 0640);
            assertThat(Files.readAllBytes(Path.of(remote))).isEqualTo(binary);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(remote)))).isEqualTo("rw-r-----");
            assertThat(ch.readFile(remote)).isEqualTo(binary);
            ch.writeFile(remote, "second\n".getBytes(StandardCharsets.UTF_8), 0755);
            assertThat(Files.readString(Path.of(remote))).isEqualTo("second\n");
            try (var left = Files.list(Path.of(remote).getParent())) {
                assertThat(left.map(p -> p.getFileName().toString())).as("no temp file left").containsExactly("file.bin");
            }
            Path local = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho ran\n");
            Files.setPosixFilePermissions(local, PosixFilePermissions.fromString("rwxr-xr-x"));
            ch.copyIn(local, dir.resolve("copied.sh").toString());
            assertThat(ch.run(dir.resolve("copied.sh").toString()).output()).isEqualTo("ran\n");
            assertThatThrownBy(() -> ch.readFile(dir.resolve("missing").toString()))
                    .isInstanceOf(java.nio.file.NoSuchFileException.class);

            String marker = "sleep 3" + (System.nanoTime() % 1000) + ".25";
            long started = System.nanoTime();
            assertThatThrownBy(() -> ch.run("sh -c '" + marker + "; true' ; echo never", Duration.ofSeconds(2)))
                    .isInstanceOf(SshChannel.SshTimeoutException.class)
                    .hasMessageContaining("did not finish within 2 s on ssh:root@127.0.0.1")
                    .hasMessageContaining("it was killed");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            Thread.sleep(300);
            assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)))
                    .as("the remote command and its children were killed").isEmpty();
            assertThat(ch.run("echo still here").output()).as("the connection outlives a timeout").isEqualTo("still here\n");
        }
        assertThat(server.commands).allMatch(c -> c.startsWith("exec sh -c "));
    }

    @Test
    void aNonRootLoginGoesThroughSudoOrIsRefusedWithTheFix() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("id"), "#!/bin/sh\necho 1000\n");
        script(bin.resolve("sudo"), "#!/bin/sh\n[ \"$1\" = -n ] || exit 9\nshift\necho \"$*\" >> " + dir.resolve("sudo.log") + "\nexec \"$@\"\n");
        server = LocalSshServer.start(clientKey.getPublic(), bin);
        trust(server.hostKey.getPublic());
        SshAddress user = new SshAddress("deploy", "127.0.0.1", server.port());
        try (SshChannel ch = connect(user, options())) {
            assertThat(ch.usesSudo()).isTrue();
            assertThat(ch.run("echo as-root").output()).isEqualTo("as-root\n");
        }
        assertThat(Files.readString(dir.resolve("sudo.log"))).contains("sh -c printf").contains("echo as-root");

        script(bin.resolve("sudo"), "#!/bin/sh\necho 'sudo: a password is required' >&2\nexit 1\n");
        assertThatThrownBy(() -> connect(user, options()))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("deploy is not root (uid 1000) and 'sudo -n' does not work for it there")
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("ssh:root@127.0.0.1:" + server.port())
                        .contains("deploy ALL=(ALL) NOPASSWD: ALL"));
    }

    @Test
    void aKeyTheServerDoesNotAcceptIsNamedAndNoPasswordIsTried() throws Exception {
        server = LocalSshServer.start(LocalSshServer.newKey().getPublic(), null);
        trust(server.hostKey.getPublic());
        assertThatThrownBy(() -> connect(address(), options()))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("root may not log in with " + identity)
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("--identity"));
        assertThat(server.commands).isEmpty();
    }

    @Test
    void nothingListensThere() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> connect(new SshAddress("root", "127.0.0.1", port), SshOptions.defaults().withIdentity(identity)))
                .isInstanceOf(SutureException.class).hasMessageContaining("connection refused");
    }

    private static void script(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
