package dev.suture.channel;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;

/**
 * The user's ssh-agent as a source of login keys. MINA's public-key login asks the client's agent factory for
 * an agent and offers its keys before the key files ({@code UserAuthPublicKeyIterator}), so this is that
 * factory. The agent is asked once, before connecting, whether it answers: an agent that does not (a stale
 * {@code SSH_AUTH_SOCK} after the agent ended, as in an old terminal multiplexer) leaves the login to the key
 * files with a warning, since they may well log in; it is an error only when nothing else can.
 * The agent is never forwarded to the machine.
 */
final class SshAgentLogin implements SshAgentFactory {
    private final Path socket;
    private final List<String> keys;
    private final String problem;
    /** The connections logins opened, which remember a refusal to sign. */
    private final List<SshAgentClient> opened = new CopyOnWriteArrayList<>();

    private SshAgentLogin(Path socket, List<String> keys, String problem) {
        this.socket = socket;
        this.keys = keys;
        this.problem = problem;
    }

    /** The agent at {@code socket} (null: none, SSH_AUTH_SOCK is not set), with its keys listed or why it cannot help. */
    static SshAgentLogin find(Path socket) {
        if (socket == null) {
            return new SshAgentLogin(null, List.of(), null);
        }
        try (SshAgentClient agent = SshAgentClient.connect(socket)) {
            List<String> keys = agent.identities().stream().map(SshAgentClient.Identity::describe).toList();
            return new SshAgentLogin(socket, keys, null);
        } catch (IOException | RuntimeException e) {
            return new SshAgentLogin(socket, List.of(), "the ssh-agent at " + socket + " (SSH_AUTH_SOCK) does not answer: " + why(e));
        }
    }

    /** Whether the login should ask the agent: it answered and holds a key. */
    boolean usable() {
        return socket != null && problem == null && !keys.isEmpty();
    }

    /** Why the agent offers no key, for the message when nothing else can log in either. */
    String whyNoKeys() {
        return socket == null ? "no ssh-agent (SSH_AUTH_SOCK is not set)"
                : problem != null ? problem : "the ssh-agent at " + socket + " holds no keys";
    }

    /** The agent's keys, as messages name them. */
    List<String> keys() {
        return keys;
    }

    /** Why a set SSH_AUTH_SOCK is of no use, or null: the agent does not answer. */
    String problem() {
        return problem;
    }

    /**
     * The agent's refusal to sign during the login, as one line with what to do, or null if it did not refuse.
     * MINA only sees that the login failed; the agent's clients remember why.
     */
    SutureException refusal(SshAddress address) {
        return opened.stream().map(SshAgentClient::signFailure).filter(Objects::nonNull).findFirst()
                .map(failure -> new SutureException(address.describe() + ": " + failure.getMessage(),
                        "confirm the key's use when the agent asks (a key added with ssh-add -c), unlock the agent "
                                + "(ssh-add -X), or remove the key from it (ssh-add -d FILE) and log in with a key file (--identity FILE)"))
                .orElse(null);
    }

    /** A fresh connection for one login; the login closes it when it is done with its keys. */
    @Override
    public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
        SshAgentClient client = SshAgentClient.connect(socket);
        opened.add(client);
        return client;
    }

    /** No agent forwarding: the machine never gets to use the user's keys. */
    @Override
    public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
        return List.of();
    }

    /** Only a server forwards agents; Suture is a client. */
    @Override
    public SshAgentServer createServer(ConnectionService service) {
        throw new UnsupportedOperationException("Suture does not forward the ssh-agent");
    }

    /** The JDK's words for the two usual cases of a stale SSH_AUTH_SOCK, made plain. */
    private static String why(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        if (message.contains("Connection refused")) {
            return "connection refused (the agent has ended)";
        }
        if (message.contains("No such file")) {
            return "no such socket (the agent has ended)";
        }
        return message;
    }
}
