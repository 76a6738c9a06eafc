package dev.suture.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The host this Suture process runs on, as a lock holder names it: host name and boot id, so a lock left by a
 * process of this very boot of this host can be judged by whether that process still lives.
 */
record ThisHost(String host, String boot) {
    /** Start times are read from /proc by both sides; allow for rounding, not for pid reuse (that takes longer). */
    private static final Duration START_SLACK = Duration.ofSeconds(1);

    static ThisHost current() {
        return new ThisHost(token(read("/proc/sys/kernel/hostname").orElse("unknown-host")),
                token(read("/proc/sys/kernel/random/boot_id").orElse("unknown-boot").replace("-", "")));
    }

    /** This process: its pid and start time (epoch ms, 0 when unknown). */
    static long pid() {
        return ProcessHandle.current().pid();
    }

    static long pidStart() {
        return startOf(ProcessHandle.current()).orElse(0L);
    }

    /** True when a process with this pid runs here and (when both are known) started when the holder said. */
    boolean runs(long pid, long startMillis) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return false;
        }
        Optional<Long> start = startOf(handle.get());
        return startMillis == 0 || start.isEmpty()
                || Math.abs(start.get() - startMillis) <= START_SLACK.toMillis();
    }

    private static Optional<Long> startOf(ProcessHandle handle) {
        return handle.info().startInstant().map(java.time.Instant::toEpochMilli);
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(Path.of(file)).strip()).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Fields of the lock are separated by spaces: keep them one word of plain characters. */
    static String token(String s) {
        String t = s.replaceAll("[^A-Za-z0-9_.:/=+@-]", "_");
        return t.isEmpty() ? "_" : t;
    }
}
