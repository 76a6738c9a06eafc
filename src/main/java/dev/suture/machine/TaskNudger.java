package dev.suture.machine;

import dev.suture.channel.Channel;

import dev.suture.SutureException;
import dev.suture.SutureHome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Nudges user tasks across a safe point with ptrace (see suture-nudge.c), so a transition need not wait for
 * the kernel's own fake signal. The helper is a small static program built once on this host with gcc and
 * copied to a machine the first time it is needed there.
 */
final class TaskNudger {
    static final String REMOTE_DIR = "/var/lib/suture/bin/";
    private final Channel channel;
    private boolean installed;

    TaskNudger(Channel channel) {
        this.channel = channel;
    }

    /** Nudges the tasks; returns the helper's report, one line per task. */
    String nudge(List<Integer> tids) throws IOException {
        Path helper = helperBinary();
        String remote = REMOTE_DIR + helper.getFileName();
        if (!installed) {
            if (!channel.run("[ -x " + remote + " ]").ok()) {
                channel.copyIn(helper, remote);
            }
            installed = true;
        }
        return channel.run(remote + " " + tids.stream().map(String::valueOf).collect(Collectors.joining(" "))).output();
    }

    /** The static helper for this host, built from the bundled source on first use. */
    static synchronized Path helperBinary() throws IOException {
        byte[] source;
        try (InputStream in = TaskNudger.class.getResourceAsStream("/dev/suture/machine/suture-nudge.c")) {
            source = in.readAllBytes();
        }
        String version = Integer.toHexString(java.util.Arrays.hashCode(source));
        Path dir = SutureHome.tools();
        Path binary = dir.resolve("suture-nudge-" + version);
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(dir);
        // Built per host, cached by the source's hash: a changed helper gets a new name here and on machines.
        Path src = dir.resolve("suture-nudge-" + version + ".c");
        Files.write(src, source);
        Path tmp = dir.resolve(binary.getFileName() + ".part");
        try {
            Process gcc = new ProcessBuilder("gcc", "-static", "-nostdlib", "-ffreestanding", "-fno-builtin", "-fno-stack-protector", "-Os", "-s", "-o", tmp.toString(), src.toString())
                    .redirectErrorStream(true).start();
            String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                throw new SutureException("cannot build the task nudger: " + out.strip(),
                        "install gcc: apt-get install -y gcc");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted", null, e);
        }
        Files.move(tmp, binary, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return binary;
    }
}
