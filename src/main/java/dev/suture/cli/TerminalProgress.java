package dev.suture.cli;

import dev.suture.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress as the user sees it: a live bar when Suture runs on a terminal, plain lines otherwise (CI, a pipe),
 * so logs stay short and readable.
 */
final class TerminalProgress implements Progress {
    private final PrintStream out;

    private TerminalProgress(PrintStream out) {
        this.out = out;
    }

    /** Bars when the stream is the process's own stdout or stderr and the process runs on a terminal. */
    static Progress to(PrintStream out) {
        boolean standard = out == System.err || out == System.out;
        boolean terminal = standard && System.console() != null && System.console().isTerminal();
        return terminal ? new TerminalProgress(out) : Progress.plain(out);
    }

    @Override
    public void say(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public Task start(String label, long total) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(label)
                .setInitialMax(total > 0 ? total : -1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MB", 1_000_000)
                .setUpdateIntervalMillis(200)
                .showSpeed()
                // An explicit width keeps the library from probing the terminal through native code.
                .setConsumer(new ConsoleProgressBarConsumer(out, terminalWidth() - 1))
                .build();
        return new Task() {
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
        };
    }

    /** The shell's idea of the terminal width when it exports one, else the classic 80 columns. */
    private static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.strip().matches("\\d{2,4}")) {
            return Integer.parseInt(columns.strip());
        }
        return 80;
    }
}
