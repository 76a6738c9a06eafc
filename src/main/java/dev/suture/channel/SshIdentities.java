package dev.suture.channel;

import dev.suture.SutureException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The key files Suture logs in with: {@code --identity FILE} first, then ~/.ssh/id_ed25519, id_ecdsa and id_rsa
 * (the ssh-agent's keys, offered before these, are {@link SshAgentLogin}'s). Never a password. A key protected by a passphrase is skipped (Suture asks for none), and named if the login
 * then fails, so the user knows which key to offer differently.
 */
final class SshIdentities {
    static final List<String> DEFAULT_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    /** @param skipped why a default key was not used, for the message of a failed login */
    record Loaded(List<KeyPair> keys, List<String> offered, List<String> skipped) {
    }

    private SshIdentities() {
    }

    static Loaded load(Path identity, Path sshDir) {
        List<KeyPair> keys = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (identity != null) {
            if (!Files.isRegularFile(identity)) {
                throw new SutureException("no such identity file: " + identity, "give a private key file with --identity");
            }
            try {
                List<KeyPair> read = read(identity);
                if (read.isEmpty()) {
                    throw new SutureException("no private key in " + identity, "give an OpenSSH or PEM private key with --identity");
                }
                keys.addAll(read);
                offered.add(identity.toString());
            } catch (SutureException e) {
                throw e;
            } catch (Exception e) {
                throw new SutureException("cannot use the identity " + identity + ": " + reason(e),
                        "give an unencrypted private key (Suture asks for no passphrase), e.g. one made with 'ssh-keygen -t ed25519 -N \"\" -f FILE'");
            }
        }
        for (String name : DEFAULT_NAMES) {
            Path file = sshDir.resolve(name);
            if (!Files.isRegularFile(file) || file.equals(identity)) {
                continue;
            }
            try {
                List<KeyPair> read = read(file);
                keys.addAll(read);
                if (!read.isEmpty()) {
                    offered.add(file.toString());
                }
            } catch (Exception e) {
                skipped.add(file + " (" + reason(e) + ")");
            }
        }
        return new Loaded(keys, offered, skipped);
    }

    private static List<KeyPair> read(Path file) throws Exception {
        List<KeyPair> keys = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in,
                    FilePasswordProvider.EMPTY);
            if (pairs != null) {
                pairs.forEach(keys::add);
            }
        }
        return keys;
    }

    private static String reason(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.toLowerCase(java.util.Locale.ROOT).contains("password") || message.contains("passphrase")
                || message.toLowerCase(java.util.Locale.ROOT).contains("encrypted")
                ? "protected by a passphrase" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
