package dev.suture.channel;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How Suture logs in over SSH. There is no password: keys only (the user's ~/.ssh keys and {@code identity}).
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

    /** ~/.ssh of the user running Suture. */
    static Path userSshDir() {
        return Path.of(System.getProperty("user.home"), ".ssh");
    }
}
