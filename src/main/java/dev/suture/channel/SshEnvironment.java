package dev.suture.channel;

import java.nio.file.Path;

/**
 * What the user's own environment brings to an SSH login, besides the options on the command line: the ~/.ssh
 * folder (known_hosts, the default keys) and the ssh-agent's socket. Read once, here, so a test can hand in its own
 * instead of changing the process's environment.
 *
 * @param sshDir      the user's ~/.ssh
 * @param agentSocket the ssh-agent's socket ({@code SSH_AUTH_SOCK}), or null for none
 */
public record SshEnvironment(Path sshDir, Path agentSocket) {
    /** The environment of the user running Suture. */
    public static SshEnvironment current() {
        String socket = System.getenv("SSH_AUTH_SOCK");
        return new SshEnvironment(Path.of(System.getProperty("user.home"), ".ssh"),
                socket == null || socket.isBlank() ? null : Path.of(socket));
    }
}
