package dev.suture.vm;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An SSH server in a test VM ({@code vm start --ssh}): Debian's dropbear, reached only through a QEMU forward
 * from 127.0.0.1 on this host. The keys listed may log in as root, as the non-root user {@link #USER}, who has
 * passwordless sudo (Debian's sudo, from this host's package), and as {@link #NO_SUDO_USER}, who has not.
 *
 * @param authorizedKeys public key lines ({@code ssh-ed25519 AAAA... comment})
 */
public record SshServer(List<String> authorizedKeys) {
    /** A non-root login that may run anything as root with {@code sudo -n}, as Suture needs. */
    public static final String USER = "suture";
    public static final int USER_UID = 1000;
    /** A non-root login without sudo rights: Suture refuses it, as it should. */
    public static final String NO_SUDO_USER = "nosudo";
    public static final int NO_SUDO_USER_UID = 1001;

    public SshServer {
        authorizedKeys = List.copyOf(authorizedKeys);
        if (authorizedKeys.isEmpty()) {
            throw new SutureException("no public key to authorize in the VM's SSH server",
                    "make one with 'ssh-keygen -t ed25519', or name one with --ssh-key FILE.pub");
        }
    }

    /** The keys in these .pub files, or the user's own ~/.ssh/id_*.pub when none is named. */
    public static SshServer authorizing(List<Path> publicKeyFiles) {
        List<Path> files = new ArrayList<>(publicKeyFiles);
        if (files.isEmpty()) {
            Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
            for (String name : List.of("id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub")) {
                if (Files.isRegularFile(ssh.resolve(name))) {
                    files.add(ssh.resolve(name));
                }
            }
        }
        List<String> keys = new ArrayList<>();
        for (Path file : files) {
            try {
                for (String line : Files.readAllLines(file)) {
                    if (line.strip().startsWith("ssh-") || line.strip().startsWith("ecdsa-")) {
                        keys.add(line.strip());
                    }
                }
            } catch (IOException e) {
                throw new SutureException("cannot read the public key " + file + " (" + e.getMessage() + ")",
                        "give a readable .pub file with --ssh-key");
            }
        }
        return new SshServer(keys);
    }
}
