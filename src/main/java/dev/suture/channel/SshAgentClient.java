package dev.suture.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentKeyConstraint;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The client side of the ssh-agent protocol (draft-miller-ssh-agent) over the agent's Unix socket, with the JDK's
 * own Unix domain sockets: MINA's agent client for Unix sockets needs native code (Tomcat APR), this does not.
 * It lists the agent's keys and asks it to sign; it never adds, removes or locks keys: the agent is the user's.
 * One connection, one request at a time, each answered within {@link #ANSWER}.
 */
final class SshAgentClient implements SshAgent {
    /** How long the agent may take to answer one request; a signature it must confirm with the user included. */
    static final Duration ANSWER = Duration.ofSeconds(20);
    /** OpenSSH's own limit on one message (AGENT_MAX_LEN): a longer length means a broken or foreign peer. */
    private static final int MAX_MESSAGE = 256 * 1024;

    private static final byte FAILURE = 5;
    private static final byte REQUEST_IDENTITIES = 11;
    private static final byte IDENTITIES_ANSWER = 12;
    private static final byte SIGN_REQUEST = 13;
    private static final byte SIGN_RESPONSE = 14;
    /** Sign-request flags: an RSA key signs with SHA-2, as the login asked, never with the SHA-1 of ssh-rsa. */
    private static final int RSA_SHA2_256 = 2;
    private static final int RSA_SHA2_512 = 4;

    private final Path socket;
    private final SocketChannel channel;
    private final Duration answer;
    /** The keys as the agent sent them: a sign request names its key by these exact bytes. */
    private final List<Identity> known = new ArrayList<>();
    private volatile IOException signFailure;

    /** One key the agent holds. */
    record Identity(PublicKey key, String comment, byte[] blob) {
        /** {@code ssh-ed25519 SHA256:... (comment)}, for messages. */
        String describe() {
            return KeyUtils.getKeyType(key) + " " + SshHostKeys.fingerprint(key) + (comment.isBlank() ? "" : " (" + comment + ")");
        }
    }

    private SshAgentClient(Path socket, SocketChannel channel, Duration answer) {
        this.socket = socket;
        this.channel = channel;
        this.answer = answer;
    }

    /** Connects to the agent listening on {@code socket}; an IOException says why not (gone, refused, not a socket). */
    static SshAgentClient connect(Path socket) throws IOException {
        return connect(socket, ANSWER);
    }

    static SshAgentClient connect(Path socket, Duration answer) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new SshAgentClient(socket, channel, answer);
    }

    /**
     * The agent's keys. One it holds that MINA cannot read (a type it does not know) is left out: the others can
     * still log in, and the agent is never asked to sign with a key the login did not offer.
     */
    synchronized List<Identity> identities() throws IOException {
        Buffer reply = request(message(REQUEST_IDENTITIES));
        int type = reply.getUByte();
        if (type != IDENTITIES_ANSWER) {
            throw new IOException("the ssh-agent at " + socket + " did not list its keys (" + reason(type) + ")");
        }
        long count = reply.getUInt();
        if (count > 1024) {
            throw new IOException("the ssh-agent at " + socket + " claims " + count + " keys");
        }
        known.clear();
        for (long i = 0; i < count; i++) {
            byte[] blob = reply.getBytes();
            String comment = reply.getString();
            try {
                known.add(new Identity(new ByteArrayBuffer(blob).getRawPublicKey(), comment, blob));
            } catch (IOException | RuntimeException e) {
                // A key type MINA does not know (a hardware key of a newer kind): not offered.
            }
        }
        return List.copyOf(known);
    }

    @Override
    public Iterable<? extends Map.Entry<PublicKey, String>> getIdentities() throws IOException {
        return identities().stream().map(id -> new SimpleImmutableEntry<>(id.key(), id.comment())).toList();
    }

    /**
     * Asks the agent to sign {@code data} with {@code key} by {@code algorithm}; returns the algorithm it used and
     * the bare signature, as MINA's login expects. A refusal (a key that needs a confirmation the user did not
     * give, a locked agent) or no answer is kept for {@link #signFailure()} too.
     */
    @Override
    public synchronized Map.Entry<String, byte[]> sign(SessionContext session, PublicKey key, String algorithm, byte[] data)
            throws IOException {
        Identity identity = known.stream().filter(id -> KeyUtils.compareKeys(id.key(), key)).findFirst()
                .orElseThrow(() -> failed("the ssh-agent at " + socket + " did not list the key "
                        + KeyUtils.getKeyType(key) + " " + SshHostKeys.fingerprint(key) + " it was asked to sign with"));
        Buffer message = message(SIGN_REQUEST);
        message.putBytes(identity.blob());
        message.putBytes(data);
        message.putUInt(flags(algorithm));
        Buffer reply;
        try {
            reply = request(message);
        } catch (IOException e) {
            throw failed("the ssh-agent did not sign with " + identity.describe() + ": " + e.getMessage());
        }
        int type = reply.getUByte();
        if (type != SIGN_RESPONSE) {
            throw failed("the ssh-agent refused to sign with " + identity.describe() + " (" + reason(type) + ")");
        }
        Buffer signature = new ByteArrayBuffer(reply.getBytes());
        return new SimpleImmutableEntry<>(signature.getString(), signature.getBytes());
    }

    /** Why the agent last did not sign, or null: the login's message needs it, MINA only says the login failed. */
    IOException signFailure() {
        return signFailure;
    }

    private IOException failed(String why) {
        signFailure = new IOException(why);
        return signFailure;
    }

    /** What the login asked for, in the agent's terms: only an RSA key has a choice of hash. */
    static int flags(String algorithm) {
        return switch (algorithm) {
            case KeyUtils.RSA_SHA256_KEY_TYPE_ALIAS, KeyUtils.RSA_SHA256_CERT_TYPE_ALIAS -> RSA_SHA2_256;
            case KeyUtils.RSA_SHA512_KEY_TYPE_ALIAS, KeyUtils.RSA_SHA512_CERT_TYPE_ALIAS -> RSA_SHA2_512;
            default -> 0;
        };
    }

    @Override
    public void addIdentity(KeyPair key, String comment, SshAgentKeyConstraint... constraints) {
        throw new UnsupportedOperationException("Suture does not change the user's ssh-agent");
    }

    @Override
    public void removeIdentity(PublicKey key) {
        throw new UnsupportedOperationException("Suture does not change the user's ssh-agent");
    }

    @Override
    public void removeAllIdentities() {
        throw new UnsupportedOperationException("Suture does not change the user's ssh-agent");
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static Buffer message(byte type) {
        Buffer buffer = new ByteArrayBuffer();
        buffer.putUInt(0); // the length, filled in by request()
        buffer.putByte(type);
        return buffer;
    }

    /**
     * Sends one message and reads its answer. Socket channels have no read timeout, so a watchdog closes the
     * connection if the agent does not answer in time; the blocked read then ends.
     */
    private Buffer request(Buffer message) throws IOException {
        int end = message.wpos();
        message.wpos(0);
        message.putUInt(end - 4);
        message.wpos(end);
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(answer);
                channel.close();
            } catch (InterruptedException | IOException e) {
                // Answered in time (interrupted), or already closed.
            }
        });
        try {
            write(ByteBuffer.wrap(message.array(), 0, end));
            ByteBuffer length = read(4);
            int size = length.getInt();
            if (size <= 0 || size > MAX_MESSAGE) {
                throw new IOException("the ssh-agent at " + socket + " sent a message of " + Integer.toUnsignedString(size)
                        + " bytes; is it an ssh-agent?");
            }
            return new ByteArrayBuffer(read(size).array());
        } catch (AsynchronousCloseException e) {
            throw new IOException("the ssh-agent at " + socket + " did not answer within " + answer.toSeconds() + " s");
        } finally {
            watchdog.interrupt();
        }
    }

    private void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private ByteBuffer read(int size) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(size);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes) < 0) {
                throw new IOException("the ssh-agent at " + socket + " closed the connection");
            }
        }
        return bytes.flip();
    }

    private static String reason(int type) {
        return type == FAILURE ? "it answered SSH_AGENT_FAILURE" : "it answered message type " + type;
    }
}
