package dev.suture.channel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The channel into a test VM: the agent started by the VM's init listens on its second serial port,
 * which QEMU exposes as a Unix socket. One request at a time (a file lock serialises processes),
 * one connection per request, so {@code suture vm exec} from a shell and a running test can share a VM.
 */
public final class AgentChannel implements Channel {
    /** File locks serialise processes; within one process, threads queue here (a JVM cannot lock a file twice). */
    private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.locks.ReentrantLock> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** How long past a command's limit the host waits for the agent to report that it killed the command. */
    private static final Duration AGENT_GRACE = Duration.ofSeconds(20);
    private final String name;
    private final Path socket;
    private final Path lockFile;

    public AgentChannel(String name, Path socket, Path lockFile) {
        this.name = name;
        this.socket = socket;
        this.lockFile = lockFile;
    }

    @Override
    public String describe() {
        return "vm:" + name;
    }

    @Override
    public int run(String command, OutputStream output, Duration timeout) throws IOException {
        String encoded = Base64.getEncoder().encodeToString(command.getBytes(StandardCharsets.UTF_8));
        // The agent kills the command at the limit and answers; the host waits a little longer for that answer,
        // so only a VM that stopped answering at all ends in "no answer".
        long limit = Math.max(1, timeout.toSeconds());
        int status = exchange("run " + encoded + " " + limit, null, output, timeout.plus(AGENT_GRACE));
        if (status == AgentReplyParser.STOPPED_AT_LIMIT) {
            throw new AgentTimeoutException(describe() + ": the command ran past its " + limit
                    + " s limit; the VM's agent killed it");
        }
        return status;
    }

    @Override
    public void writeFile(String path, byte[] content, int mode) throws IOException {
        String encoded = Base64.getEncoder().encodeToString(path.getBytes(StandardCharsets.UTF_8));
        int status = exchange("put " + encoded + " " + content.length + " " + Integer.toOctalString(mode),
                content, OutputStream.nullOutputStream(), Duration.ofSeconds(60 + content.length / 20_000));
        if (status != 0) {
            throw new IOException("cannot write " + path + " on " + describe());
        }
    }

    /** True when the agent answers within {@code timeout}; used while the VM boots. */
    public boolean ping(Duration timeout) {
        try {
            return exchange("ping", null, OutputStream.nullOutputStream(), timeout) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private int exchange(String request, byte[] payload, OutputStream output, Duration timeout) throws IOException {
        // A fresh random token per request: replies to earlier, abandoned requests are skipped by it.
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        var threadLock = IN_PROCESS.computeIfAbsent(lockFile.toAbsolutePath(), k -> new java.util.concurrent.locks.ReentrantLock());
        // Interruptible, as is every wait below: a caller bounding its calls by a deadline abandons one by interrupting it.
        try {
            threadLock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(describe() + ": interrupted while waiting for the agent");
        }
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock();
             SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            // The empty line ends whatever half a request a host that died left; the final "." marks this one whole.
            writeFully(ch, ("\n" + token + " " + request + " .\n").getBytes(StandardCharsets.US_ASCII));
            if (payload != null) {
                writeFully(ch, payload);
            }
            return awaitReply(ch, new AgentReplyParser(token, output), timeout);
        } catch (java.net.SocketException | java.nio.channels.ClosedChannelException e) {
            throw new VmGoneException(describe() + ": the VM's agent connection closed (" + e.getMessage() + ")");
        } finally {
            threadLock.unlock();
        }
    }

    private int awaitReply(SocketChannel ch, AgentReplyParser parser, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ch.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        try (Selector selector = Selector.open()) {
            ch.register(selector, SelectionKey.OP_READ);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AgentTimeoutException(describe() + ": no answer within " + timeout.toSeconds() + " s");
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    throw new VmGoneException(describe() + ": the VM went away while a command was running");
                }
                if (n > 0) {
                    OptionalInt status = parser.feed(buf.array(), n);
                    if (status.isPresent()) {
                        return status.getAsInt();
                    }
                }
            }
        }
    }

    private static void writeFully(SocketChannel ch, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** The VM stopped (crashed, powered off or was killed) while Suture was talking to it. */
    public static final class VmGoneException extends IOException {
        public VmGoneException(String message) {
            super(message);
        }
    }

    /** The agent did not answer in time. */
    public static final class AgentTimeoutException extends IOException {
        public AgentTimeoutException(String message) {
            super(message);
        }
    }
}
