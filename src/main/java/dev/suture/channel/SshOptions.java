package dev.suture.channel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How Suture logs in over SSH, as the command line said. There is no password: keys only (the ssh-agent's, the
 * user's ~/.ssh keys and {@code identity}; where those are is {@link SshEnvironment}'s).
 *
 * @param knownHosts        a known-hosts file to trust besides ~/.ssh/known_hosts (null for none); with
 *                          {@code acceptNewHostKey} a new key is added to it rather than to ~/.ssh/known_hosts
 * @param identity          a private key to offer first (null for none)
 * @param acceptNewHostKey  trust a host whose key is not known yet and record it (never a changed key)
 * @param sudo              run every command under {@code sudo -n} even if the login is root
 * @param connectTimeout    how long the TCP connection and the key exchange may take
 * @param authTimeout       how long the login may take
 */
public record SshOptions(Path knownHosts, Path identity, boolean acceptNewHostKey, boolean sudo,
                         Duration connectTimeout, Duration authTimeout) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(20);

    public static SshOptions defaults() {
        return new SshOptions(null, null, false, false, DEFAULT_CONNECT_TIMEOUT, DEFAULT_AUTH_TIMEOUT);
    }

    public SshOptions withKnownHosts(Path file) {
        return new SshOptions(file, identity, acceptNewHostKey, sudo, connectTimeout, authTimeout);
    }

    public SshOptions withIdentity(Path file) {
        return new SshOptions(knownHosts, file, acceptNewHostKey, sudo, connectTimeout, authTimeout);
    }

    public SshOptions acceptingNewHostKey(boolean accept) {
        return new SshOptions(knownHosts, identity, accept, sudo, connectTimeout, authTimeout);
    }

    public SshOptions withSudo(boolean always) {
        return new SshOptions(knownHosts, identity, acceptNewHostKey, always, connectTimeout, authTimeout);
    }

    /**
     * These options as shell words of a command line, for a command a message suggests, so it reaches the machine as this one
     * did: paths absolute (the user may run it from elsewhere) and quoted for the shell; what is the default is left
     * out. Never {@code --accept-new-host-key}: the key it accepted is recorded now, and accepting a new one is a
     * decision to take again, not to repeat unseen. {@code --sudo} only when it was asked for (not when detected).
     */
    public List<String> commandLine() {
        List<String> words = new ArrayList<>();
        if (knownHosts != null) {
            words.add("--known-hosts");
            words.add(ShellQuote.quote(knownHosts.toAbsolutePath().toString()));
        }
        if (identity != null) {
            words.add("--identity");
            words.add(ShellQuote.quote(identity.toAbsolutePath().toString()));
        }
        if (sudo) {
            words.add("--sudo");
        }
        if (!connectTimeout.equals(DEFAULT_CONNECT_TIMEOUT)) {
            words.add("--connect-timeout");
            words.add(Long.toString(connectTimeout.toSeconds()));
        }
        return List.copyOf(words);
    }
}
