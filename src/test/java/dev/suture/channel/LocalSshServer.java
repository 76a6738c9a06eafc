package dev.suture.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * An SSH server for channel tests, inside the test's JVM (MINA's server): only on 127.0.0.1, a free high port,
 * one authorized key, its own host key; commands run under {@code /bin/sh -c} on this host with a PATH that
 * may put stand-ins first (an {@code id} that says uid 1000, a {@code sudo}). Every command it is asked to run is
 * recorded, so a test can prove that nothing ran. Public for tests of other packages that need a real SSH machine.
 */
public final class LocalSshServer implements AutoCloseable {
    public final KeyPair hostKey;
    public final List<String> commands = new CopyOnWriteArrayList<>();
    private final SshServer server;

    private LocalSshServer(KeyPair hostKey, PublicKey authorized, Path pathFirst) throws IOException {
        this.hostKey = hostKey;
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, authorized));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setCommandFactory((channel, command) -> {
            commands.add(command);
            return new ShellCommand(command, pathFirst);
        });
        server.start();
    }

    public static LocalSshServer start(PublicKey authorized, Path pathFirst) throws Exception {
        return new LocalSshServer(newKey(), authorized, pathFirst);
    }

    public int port() {
        return server.getPort();
    }

    public static KeyPair newKey() throws Exception {
        return org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair("ssh-ed25519", 256);
    }

    /** Writes the key as ssh-keygen would (OpenSSH format, no passphrase), private to the user. */
    public static Path writePrivateKey(KeyPair key, Path file) throws Exception {
        return writePrivateKey(key, "suture-test", file);
    }

    static Path writePrivateKey(KeyPair key, String comment, Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, comment, null, out);
        }
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    /** One exec request: {@code /bin/sh -c COMMAND} here, its streams joined to the channel's. */
    private static final class ShellCommand implements Command {
        private final String command;
        private final Path pathFirst;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private Process process;

        ShellCommand(String command, Path pathFirst) {
            this.command = command;
            this.pathFirst = pathFirst;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command);
            if (pathFirst != null) {
                pb.environment().put("PATH", pathFirst + ":" + System.getenv("PATH"));
            }
            process = pb.start();
            Thread stdin = Thread.ofVirtual().start(() -> copy(in, process.getOutputStream(), true));
            Thread stdout = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out, false));
            Thread stderr = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err, false));
            Thread.ofVirtual().start(() -> {
                try {
                    int status = process.waitFor();
                    stdout.join();
                    stderr.join();
                    stdin.interrupt();
                    exit.onExit(status);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        private static void copy(InputStream from, OutputStream to, boolean closeTo) {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = from.read(buf)) >= 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
                if (closeTo) {
                    to.close();
                }
            } catch (IOException e) {
                // The process or the channel ended.
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            // As sshd does: closing the channel does not kill the command (the client kills it explicitly).
        }
    }
}
