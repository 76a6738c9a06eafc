package dev.suture.kernel;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Where long work (downloads, unpacking) reports how far it got. On a terminal that is a live bar; in a
 * log (CI, a pipe) it is a plain line when a task ends and, for slow tasks, one every few seconds, so logs
 * stay short and readable.
 */
public final class Progress {
    private static final Duration PLAIN_INTERVAL = Duration.ofSeconds(10);
    private final PrintStream out;
    private final boolean bars;

    private Progress(PrintStream out, boolean bars) {
        this.out = out;
        this.bars = bars;
    }

    /** Bars when the stream is the process's own stdout or stderr and the process runs on a terminal. */
    public static Progress to(PrintStream out) {
        boolean standard = out == System.err || out == System.out;
        return new Progress(out, standard && System.console() != null && System.console().isTerminal());
    }

    /** Plain lines only, whatever the stream is attached to. */
    public static Progress plain(PrintStream out) {
        return new Progress(out, false);
    }

    /** A one-line message. */
    public void say(String line) {
        out.println(line);
        out.flush();
    }

    /**
     * Starts a task of {@code total} bytes (an estimate is fine; it is clamped at the end), or of unknown
     * size when {@code total} is not positive.
     */
    public Task start(String label, long total) {
        return bars ? new BarTask(label, total) : new PlainTask(label, total);
    }

    /** One measured piece of work; close it when it ends, successfully or not. */
    public sealed interface Task extends AutoCloseable permits BarTask, PlainTask {
        void advance(long bytes);

        /** Marks the task as finished successfully; closing without this reports nothing more. */
        void finish();

        @Override
        void close();
    }

    private final class BarTask implements Task {
        private final ProgressBar bar;

        BarTask(String label, long total) {
            bar = new ProgressBarBuilder()
                    .setTaskName(label)
                    .setInitialMax(total > 0 ? total : -1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" MB", 1_000_000)
                    .setUpdateIntervalMillis(200)
                    .showSpeed()
                    // An explicit width keeps the library from probing the terminal through native code.
                    .setConsumer(new ConsoleProgressBarConsumer(out, terminalWidth() - 1))
                    .build();
        }

        @Override
        public void advance(long bytes) {
            bar.stepBy(bytes);
        }

        @Override
        public void finish() {
            bar.maxHint(bar.getCurrent());
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    private final class PlainTask implements Task {
        private final String label;
        private final long total;
        private final long started = System.nanoTime();
        private long lastReport = started;
        private long done;

        PlainTask(String label, long total) {
            this.label = label;
            this.total = total;
        }

        @Override
        public synchronized void advance(long bytes) {
            done += bytes;
            long now = System.nanoTime();
            if (now - lastReport >= PLAIN_INTERVAL.toNanos()) {
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
    }

    /** The shell's idea of the terminal width when it exports one, else the classic 80 columns. */
    private static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.strip().matches("\\d{2,4}")) {
            return Integer.parseInt(columns.strip());
        }
        return 80;
    }

    /** Bytes as megabytes with one decimal, the unit every figure here is shown in. */
    public static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
