package dev.suture.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSH's own ssh-agent (from openssh-client), run for one test on a socket of its own, never the user's. Keys
 * are put in with ssh-add from files that are deleted right after, so afterwards only the agent holds them. A key
 * added "to confirm" is refused when used: the agent's confirmation program is {@code false}.
 */
final class SshAgentProcess implements AutoCloseable {
    final Path socket;
    private final Path dir;
    private final Process process;

    private SshAgentProcess(Path dir, Path socket, Process process) {
        this.dir = dir;
        this.socket = socket;
        this.process = process;
    }

    static SshAgentProcess start(Path dir) throws Exception {
        Path socket = dir.resolve("agent.sock");
        ProcessBuilder pb = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
        pb.environment().put("SSH_ASKPASS", "/bin/false");
        pb.environment().put("SSH_ASKPASS_REQUIRE", "force");
        pb.environment().put("DISPLAY", ":0");
        Process process = pb.start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() > until) {
                process.destroyForcibly();
                throw new IllegalStateException("ssh-agent did not start: " + Files.readString(dir.resolve("agent.log")));
            }
            Thread.sleep(20);
        }
        return new SshAgentProcess(dir, socket, process);
    }

    /** ssh-add of the key, under {@code comment} (with {@code -c} when it must be confirmed); its file is gone afterwards. */
    void add(KeyPair key, String comment, boolean confirm) throws Exception {
        Path file = LocalSshServer.writePrivateKey(key, comment, Files.createTempFile(dir, "key", ""));
        List<String> command = confirm ? List.of("ssh-add", "-c", file.toString()) : List.of("ssh-add", file.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SSH_AUTH_SOCK", socket.toString());
        Process add = pb.start();
        String output = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (add.waitFor() != 0) {
            throw new IllegalStateException("ssh-add failed: " + output);
        }
        Files.delete(file);
    }

    /** Ends the agent as a crash would: its socket stays behind with nothing listening (a stale SSH_AUTH_SOCK). */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
