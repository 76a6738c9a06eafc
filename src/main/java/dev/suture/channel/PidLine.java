package dev.suture.channel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The standard output of a wrapped remote command: its first line is the pid of the remote shell (see
 * {@link RemoteCommand}), kept for a kill at the timeout; every byte after it goes to the caller unchanged.
 */
final class PidLine extends OutputStream {
    /** More than a pid line can be: past it the command did not start as wrapped, and its bytes are passed on. */
    private static final int MAX_LINE = 24;
    private final OutputStream sink;
    private final StringBuilder line = new StringBuilder();
    private volatile long pid = -1;
    private boolean passing;

    PidLine(OutputStream sink) {
        this.sink = sink;
    }

    /** The remote shell's pid, or -1 while its line has not arrived. */
    long pid() {
        return pid;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        int i = off;
        int end = off + len;
        while (!passing && i < end) {
            byte c = b[i++];
            if (c == '\n') {
                pid = RemoteCommand.parsePid(line.toString());
                passing = true;
                if (pid < 0) {
                    sink.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            } else if (line.length() >= MAX_LINE) {
                passing = true;
                sink.write(line.toString().getBytes(StandardCharsets.ISO_8859_1));
                sink.write(c);
            } else {
                line.append((char) (c & 0xff));
            }
        }
        if (i < end) {
            sink.write(b, i, end - i);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        sink.flush();
    }
}
