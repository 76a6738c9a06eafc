package dev.suture;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Where long work (downloads, unpacking, compiling) reports how far it got. The kernel side only reports;
 * how it is shown is the caller's choice: plain lines here (a log, CI, a pipe), a live bar in the CLI's
 * terminal implementation.
 */
public interface Progress {
    /** A one-line message. */
    void say(String line);

    /**
     * Starts a task of {@code total} bytes (an estimate is fine; it is clamped at the end), or of unknown
     * size when {@code total} is not positive.
     */
    Task start(String label, long total);

    /** One measured piece of work; close it when it ends, successfully or not. */
    interface Task extends AutoCloseable {
        void advance(long bytes);

        /** Marks the task as finished successfully; closing without this reports nothing more. */
        void finish();

        @Override
        void close();
    }

    /** Plain lines: one when a task ends and, for slow tasks, one every few seconds, so logs stay short. */
    static Progress plain(PrintStream out) {
        return new Plain(out);
    }

    /** Bytes as megabytes with one decimal, the unit every figure here is shown in. */
    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** The plain-line form. */
    final class Plain implements Progress {
        private static final Duration INTERVAL = Duration.ofSeconds(10);
        private final PrintStream out;

        private Plain(PrintStream out) {
            this.out = out;
        }

        @Override
        public void say(String line) {
            out.println(line);
            out.flush();
        }

        @Override
        public Task start(String label, long total) {
            return new Task() {
                private final long started = System.nanoTime();
                private long lastReport = started;
                private long done;

                @Override
                public synchronized void advance(long bytes) {
                    done += bytes;
                    long now = System.nanoTime();
                    if (now - lastReport >= INTERVAL.toNanos()) {
                        lastReport = now;
                        say(String.format(Locale.ROOT, "  %s: %s%s ...", label, megabytes(done),
                                total > 0 ? " of " + megabytes(total) : ""));
                    }
                }

                @Override
                public synchronized void finish() {
                    double seconds = Math.max((System.nanoTime() - started) / 1e9, 0.001);
                    say(String.format(Locale.ROOT, "  %s: %s in %.1f s (%.0f MB/s)",
                            label, megabytes(done), seconds, done / 1e6 / seconds));
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
