package dev.suture.channel;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * A machine reached over SSH (Apache MINA SSHD's client; the {@code ssh} program is never run). One connection
 * for the life of the channel: the host key is checked and the login done once, before any command; every
 * command is an exec channel on that connection. Commands run as root: directly when the login is root,
 * otherwise under {@code sudo -n} (see {@link RemoteCommand}).
 */
public final class SshChannel implements Channel, AutoCloseable {
    /** How long opening one exec channel on the live connection may take. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
    /** How long the kill of a timed-out command may take; it is a best effort either way. */
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    static {
        // MINA logs its own chatter through slf4j; Suture reports every failure itself, in one line.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.sshd", "error");
    }

    private final SshAddress address;
    private final SshOptions options;
    private final SshClient client;
    private final ClientSession session;
    private final boolean sudo;

    private SshChannel(SshAddress address, SshOptions options, SshClient client, ClientSession session, boolean sudo) {
        this.address = address;
        this.options = options;
        this.client = client;
        this.session = session;
        this.sudo = sudo;
    }

    /** {@link #connect(SshAddress, SshOptions, SshEnvironment)} with the environment of the user running Suture. */
    public static SshChannel connect(SshAddress address, SshOptions options) {
        return connect(address, options, SshEnvironment.current());
    }

    /**
     * Connects, checks the host key, logs in and finds out how to be root; throws a {@link SutureException} that
     * says what to do when any of it fails. Nothing runs on the machine before its host key is accepted. The login
     * offers the ssh-agent's keys first (as ssh does), then the key files.
     */
    public static SshChannel connect(SshAddress address, SshOptions options, SshEnvironment environment) {
        SshHostKeys hostKeys = SshHostKeys.of(address, options, environment.sshDir());
        SshIdentities.Loaded identities = SshIdentities.load(options.identity(), environment.sshDir());
        SshAgentLogin agent = SshAgentLogin.find(environment.agentSocket());
        if (identities.keys().isEmpty() && !agent.usable()) {
            throw new SutureException(address.describe() + ": no key to log in with (" + agent.whyNoKeys() + ", and none of "
                    + String.join(", ", SshIdentities.DEFAULT_NAMES.stream().map(n -> environment.sshDir().resolve(n).toString()).toList())
                    + " is usable" + (identities.skipped().isEmpty() ? "" : ": " + String.join("; ", identities.skipped())) + ")",
                    "add a key to your ssh-agent (ssh-add FILE), or give an unencrypted private key with --identity FILE "
                            + "(Suture takes no passwords)");
        }
        if (agent.problem() != null) {
            // A stale SSH_AUTH_SOCK should not stop a login the key files can do; it is said, not hidden.
            System.err.printf("%s: %s; logging in with key files only%n", address.describe(), agent.problem());
        }
        SshClient client = SshClient.setUpDefaultClient();
        // Only what Suture is told: no ~/.ssh/config aliases, no keys MINA finds by itself, no passwords.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setServerKeyVerifier(hostKeys);
        if (agent.usable()) {
            client.setAgentFactory(agent);
        }
        CoreModuleProperties.AUTH_TIMEOUT.set(client, options.authTimeout());
        // A connection that died silently (a machine powered off) shows within about a minute, not never.
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(15));
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, Duration.ofSeconds(15));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 4);
        CoreModuleProperties.NIO_WORKERS.set(client, 2);
        client.start();
        ClientSession session = null;
        try {
            session = open(client, address, options, hostKeys);
            for (var key : identities.keys()) {
                session.addPublicKeyIdentity(key);
            }
            login(session, address, options, hostKeys, new Offered(agent, identities));
            SshChannel raw = new SshChannel(address, options, client, session, false);
            boolean sudo = raw.needsSudo(options.sudo());
            return sudo ? new SshChannel(address, options, client, session, true) : raw;
        } catch (RuntimeException e) {
            closeQuietly(client, session);
            throw e;
        }
    }

    private static ClientSession open(SshClient client, SshAddress address, SshOptions options, SshHostKeys hostKeys) {
        long seconds = options.connectTimeout().toSeconds();
        try {
            ConnectFuture connecting = client.connect(address.user(), address.host(), address.port());
            if (!connecting.await(options.connectTimeout())) {
                connecting.cancel();
                throw new SutureException(address.describe() + ": no connection within " + seconds + " s",
                        "check that " + address.host() + " is up and an SSH server listens on port " + address.port());
            }
            return connecting.getSession();
        } catch (SutureException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw connectFailure(address, e, hostKeys);
        }
    }

    /** The keys a login offers, the agent's and the files', for the message when none is accepted. */
    private record Offered(SshAgentLogin agent, SshIdentities.Loaded files) {
        String describe() {
            List<String> all = new java.util.ArrayList<>();
            if (agent.usable()) {
                all.add("the ssh-agent's " + String.join(", ", agent.keys()));
            }
            all.addAll(files.offered());
            List<String> skipped = new java.util.ArrayList<>(files.skipped());
            if (agent.problem() != null) {
                skipped.add(agent.problem());
            }
            return String.join(", ", all) + (skipped.isEmpty() ? "" : " (skipped: " + String.join("; ", skipped) + ")");
        }
    }

    private static void login(ClientSession session, SshAddress address, SshOptions options, SshHostKeys hostKeys,
                              Offered offered) {
        boolean done;
        try {
            done = session.auth().verify(options.authTimeout()).isSuccess();
        } catch (IOException | RuntimeException e) {
            // The host key is checked during the key exchange, which the login waits for: a refusal shows here.
            if (hostKeys.refusal() != null) {
                throw hostKeys.refusal();
            }
            SutureException agentRefusal = offered.agent().refusal(address);
            if (agentRefusal != null) {
                throw agentRefusal;
            }
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (why.contains("No more authentication methods") || why.toLowerCase(java.util.Locale.ROOT).contains("authentication")) {
                throw new SutureException(address.describe() + ": " + address.user() + " may not log in with " + offered.describe(),
                        "authorize one of these keys for " + address.user() + " on the machine (its ~/.ssh/authorized_keys), "
                                + "or give the right one with --identity FILE");
            }
            throw connectFailure(address, e, hostKeys);
        }
        if (hostKeys.refusal() != null) {
            throw hostKeys.refusal();
        }
        if (!done) {
            throw new SutureException(address.describe() + ": the login did not finish within "
                    + options.authTimeout().toSeconds() + " s", "check the machine's SSH server");
        }
    }

    private static SutureException connectFailure(SshAddress address, Exception e, SshHostKeys hostKeys) {
        if (hostKeys.refusal() != null) {
            return hostKeys.refusal();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof UnknownHostException) {
            return new SutureException(address.describe() + ": unknown host " + address.host(),
                    "check the name in --target ssh:[USER@]HOST[:PORT]");
        }
        if (root instanceof ConnectException) {
            return new SutureException(address.describe() + ": connection refused",
                    "check that an SSH server listens on " + address.host() + " port " + address.port());
        }
        String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new SutureException(address.describe() + ": cannot connect: " + why.strip().replaceAll("\\s*\\R\\s*", " "),
                "check that " + address.host() + " is reachable and runs an SSH server on port " + address.port());
    }

    /** Whether commands must go through {@code sudo -n}; refuses when the login is not root and sudo needs a password. */
    private boolean needsSudo(boolean always) {
        try {
            CommandResult id = run("id -u", PROBE_TIMEOUT);
            String uid = id.output().strip();
            if (!id.ok() || !uid.matches("[0-9]+")) {
                throw new SutureException(address.describe() + ": 'id -u' failed there (" + id.output().strip() + ")",
                        "the machine needs a POSIX sh and coreutils");
            }
            if (uid.equals("0") && !always) {
                return false;
            }
            if (new SshChannel(address, options, client, session, true).run("true", PROBE_TIMEOUT).ok()) {
                return true;
            }
            throw new SutureException(address.describe() + ": " + address.user() + " is not root (uid " + uid
                    + ") and 'sudo -n' does not work for it there",
                    "log in as root (--target ssh:root@" + address.host() + ":" + address.port() + "), or give "
                            + address.user() + " passwordless sudo on the machine (a line '" + address.user()
                            + " ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/suture)");
        } catch (IOException e) {
            throw new SutureException(address.describe() + ": " + e.getMessage(), "check the machine and try again");
        }
    }

    @Override
    public String describe() {
        return address.describe();
    }

    /** The options given for this machine, which a command a message suggests must repeat to reach it. */
    @Override
    public List<String> targetOptions() {
        return options.commandLine();
    }

    /** Whether commands go through {@code sudo -n} (the login is not root, or {@code --sudo}). */
    public boolean usesSudo() {
        return sudo;
    }

    @Override
    public int run(String command, OutputStream output, Duration timeout) throws IOException {
        return exec(command, null, output, timeout);
    }

    @Override
    public void writeFile(String path, byte[] content, int mode) throws IOException {
        var output = new java.io.ByteArrayOutputStream();
        int status = exec(RemoteCommand.writeAtomically(path, content.length, mode), content, output,
                Duration.ofSeconds(60 + content.length / 20_000));
        if (status != 0) {
            throw new IOException("cannot write " + path + " on " + describe() + ": "
                    + output.toString(StandardCharsets.UTF_8).strip() + " (exit " + status + ")");
        }
    }

    private int exec(String command, byte[] input, OutputStream output, Duration timeout) throws IOException {
        OutputStream shared = new SharedSink(output);
        PidLine stdout = new PidLine(shared);
        ChannelExec exec = session.createExecChannel(RemoteCommand.wrap(command, sudo, input != null));
        try (exec) {
            exec.setOut(stdout);
            exec.setErr(shared);
            exec.open().verify(OPEN_TIMEOUT);
            Thread feeder = input == null ? null : Thread.ofVirtual().start(() -> feed(exec, input));
            Set<ClientChannelEvent> events = exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                String killed = kill(stdout.pid());
                exec.close(true);
                throw new SshTimeoutException("'" + command + "' did not finish within " + timeout.toSeconds()
                        + " s on " + describe() + "; " + killed);
            }
            if (feeder != null) {
                feeder.join(CLOSE_TIMEOUT);
            }
            shared.flush();
            Integer status = exec.getExitStatus();
            if (status != null) {
                return status;
            }
            String signal = exec.getExitSignal();
            if (signal != null) {
                return 128 + SIGNALS.getOrDefault(signal, 127);
            }
            throw new SshConnectionLost(describe() + ": the connection closed while '" + command + "' ran"
                    + (session.isOpen() ? "" : " (the machine is unreachable or its SSH server stopped)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while '" + command + "' ran on " + describe(), e);
        } catch (org.apache.sshd.common.SshException e) {
            throw new SshConnectionLost(describe() + ": " + e.getMessage());
        }
    }

    private static void feed(ChannelExec exec, byte[] input) {
        try (OutputStream in = exec.getInvertedIn()) {
            in.write(input);
        } catch (IOException e) {
            // The command ended or was killed before reading it all; its status tells.
        }
    }

    /** Kills the timed-out command's process tree on the machine, over a second exec channel; says how it went. */
    private String kill(long pid) {
        if (pid <= 0) {
            return "it had not started, and its channel was closed";
        }
        try (ChannelExec killer = session.createExecChannel(RemoteCommand.wrap(RemoteCommand.killTree(pid), sudo, false))) {
            killer.setOut(OutputStream.nullOutputStream());
            killer.setErr(OutputStream.nullOutputStream());
            killer.open().verify(KILL_TIMEOUT);
            Set<ClientChannelEvent> events = killer.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), KILL_TIMEOUT);
            return events.contains(ClientChannelEvent.TIMEOUT) ? "killing it (pid " + pid + ") did not finish in time"
                    : "it was killed (pid " + pid + " and all it started)";
        } catch (IOException | RuntimeException e) {
            return "killing it (pid " + pid + ") failed: " + e.getMessage();
        }
    }

    /** Closes the connection; waits a little for a clean goodbye, then drops it. */
    @Override
    public void close() {
        closeQuietly(client, session);
    }

    private static void closeQuietly(SshClient client, ClientSession session) {
        try {
            if (session != null) {
                session.close(false).await(CLOSE_TIMEOUT);
            }
        } catch (IOException | RuntimeException e) {
            // Closing a connection that is already gone: nothing more to do.
        }
        try {
            client.stop();
        } catch (RuntimeException e) {
            // As above.
        }
    }

    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "ABRT", 6, "KILL", 9,
            "SEGV", 11, "PIPE", 13, "ALRM", 14, "TERM", 15);

    /** Standard output and error of one command go to one stream, which MINA may feed from two threads. */
    private static final class SharedSink extends OutputStream {
        private final OutputStream out;

        SharedSink(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws IOException {
            out.flush();
        }
    }

    /** A command ran past its limit; the channel killed it on the machine as far as it could. */
    public static final class SshTimeoutException extends IOException {
        public SshTimeoutException(String message) {
            super(message);
        }
    }

    /** The connection to the machine ended while a command ran. */
    public static final class SshConnectionLost extends IOException {
        public SshConnectionLost(String message) {
            super(message);
        }
    }
}
