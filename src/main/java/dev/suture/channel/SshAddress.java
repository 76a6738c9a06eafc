package dev.suture.channel;

/**
 * An SSH machine as the user names it after {@code ssh:}: {@code [USER@]HOST[:PORT]}, with the user and port
 * filled in. {@link #describe()} is the {@code --target} form, so remedies built from it run as printed.
 */
public record SshAddress(String user, String host, int port) {
    public static final int DEFAULT_PORT = 22;

    public SshAddress {
        if (user == null || user.isBlank() || host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("incomplete SSH address " + user + "@" + host + ":" + port);
        }
    }

    /** {@code ssh:USER@HOST:PORT}; an IPv6 address keeps its brackets so the port stays readable. */
    public String describe() {
        return "ssh:" + user + "@" + bracketed() + ":" + port;
    }

    /** The host as known_hosts names it: {@code host} on port 22, {@code [host]:port} elsewhere (OpenSSH's rule). */
    String knownHostsName() {
        return port == DEFAULT_PORT ? host : "[" + host + "]:" + port;
    }

    private String bracketed() {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
