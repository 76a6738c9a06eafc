package dev.suture.channel;

import dev.suture.SutureException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * The host key check, done during the key exchange, before the login and so before any command: the key must
 * be in ~/.ssh/known_hosts or the {@code --known-hosts} file. An unknown key is trusted only when the user asked
 * ({@code --accept-new-host-key}), and then recorded; a changed key is always refused. A refusal is kept here
 * for the channel to report, since MINA only learns "not valid".
 */
final class SshHostKeys implements ServerKeyVerifier {
    private final SshAddress address;
    private final List<Path> files;
    private final Path acceptInto;
    private volatile SutureException refusal;

    /** @param acceptInto where a new key is recorded, or null to refuse new keys */
    SshHostKeys(SshAddress address, List<Path> files, Path acceptInto) {
        this.address = address;
        this.files = List.copyOf(files);
        this.acceptInto = acceptInto;
    }

    /** The files to consult: ~/.ssh/known_hosts and the extra one; a new key goes to the extra one if given. */
    static SshHostKeys of(SshAddress address, SshOptions options, Path sshDir) {
        Path user = sshDir.resolve("known_hosts");
        List<Path> files = new ArrayList<>(List.of(user));
        if (options.knownHosts() != null) {
            if (!Files.isRegularFile(options.knownHosts()) && !options.acceptNewHostKey()) {
                throw new SutureException("no such known-hosts file: " + options.knownHosts(),
                        "give an existing file with --known-hosts, or add --accept-new-host-key to create it");
            }
            files.add(options.knownHosts());
        }
        Path into = options.acceptNewHostKey() ? (options.knownHosts() != null ? options.knownHosts() : user) : null;
        return new SshHostKeys(address, files, into);
    }

    /** Why the key was refused, if it was. */
    SutureException refusal() {
        return refusal;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        try {
            Match match = find(key);
            if (match.known()) {
                return true;
            }
            String fingerprint = fingerprint(key);
            if (match.revokedAt() != null) {
                refusal = new SutureException(address.describe() + ": the host key " + fingerprint + " is marked revoked at "
                        + match.revokedAt() + "; refused before anything ran there",
                        "ask the machine's owner for its current key; a revoked key is never accepted");
                return false;
            }
            if (match.changedAt() != null) {
                refusal = new SutureException(address.describe() + ": the host key has CHANGED: the server offers "
                        + KeyUtils.getKeyType(key) + " " + fingerprint + ", but " + match.changedAt()
                        + " has another key for " + address.knownHostsName() + "; refused before anything ran there",
                        "this may be an attack; if the machine was reinstalled or its key replaced on purpose, remove the old key with "
                                + "'ssh-keygen -R " + ShellQuote.quote(address.knownHostsName()) + " -f "
                                + match.changedAt().replaceFirst(":[0-9]+$", "") + "' and accept the new one with --accept-new-host-key");
                return false;
            }
            if (acceptInto == null) {
                refusal = new SutureException(address.describe() + ": the host key is not known: "
                        + KeyUtils.getKeyType(key) + " " + fingerprint + " is in none of " + names()
                        + "; refused before anything ran there",
                        "compare it with the machine's own ('ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub' there), then run again with "
                                + "--accept-new-host-key, or add it yourself: 'ssh-keyscan -p " + address.port() + " "
                                + address.host() + " >> ~/.ssh/known_hosts'");
                return false;
            }
            record(key);
            return true;
        } catch (IOException | RuntimeException e) {
            refusal = new SutureException(address.describe() + ": cannot check the host key: " + e.getMessage(),
                    "make the known-hosts files readable (" + names() + ")");
            return false;
        }
    }

    /** {@code SHA256:...}, as OpenSSH prints it. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }

    /** The known_hosts line for this host and key. */
    String line(PublicKey key) {
        return address.knownHostsName() + " " + PublicKeyEntry.toString(key);
    }

    /**
     * Whether the key is listed for this host, or where another key of the same type is (a changed key). Keys of
     * other types alone do not make a change: the server may simply offer a type the file does not list.
     */
    private Match find(PublicKey key) throws IOException {
        String changedAt = null;
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String text = lines.get(i).strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                KnownHostEntry entry;
                PublicKey listed;
                try {
                    entry = KnownHostEntry.parseKnownHostEntry(text);
                    if (entry == null || entry.getKeyEntry() == null || !entry.isHostMatch(address.host(), address.port())) {
                        continue;
                    }
                    listed = entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
                } catch (RuntimeException | java.security.GeneralSecurityException e) {
                    continue; // a line OpenSSH would skip too (an unknown key type, a typo)
                }
                if (listed == null) {
                    continue;
                }
                boolean same = KeyUtils.compareKeys(key, listed);
                if ("revoked".equals(entry.getMarker())) {
                    if (same) {
                        return new Match(false, null, file + ":" + (i + 1));
                    }
                    continue;
                }
                if (entry.getMarker() != null) {
                    continue; // @cert-authority: Suture does not check host certificates
                }
                if (same) {
                    return new Match(true, null, null);
                }
                if (changedAt == null && KeyUtils.getKeyType(key).equals(KeyUtils.getKeyType(listed))) {
                    changedAt = file + ":" + (i + 1);
                }
            }
        }
        return new Match(false, changedAt, null);
    }

    /** Trust on first use, as asked: appends the line, creating the file (and ~/.ssh) private to the user. */
    private void record(PublicKey key) throws IOException {
        Path dir = acceptInto.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String prefix = "";
        if (Files.isRegularFile(acceptInto)) {
            byte[] old = Files.readAllBytes(acceptInto);
            prefix = old.length > 0 && old[old.length - 1] != '\n' ? "\n" : "";
        } else {
            Files.createFile(acceptInto, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(acceptInto, prefix + line(key) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        System.err.printf("%s: accepted new host key %s %s (added to %s)%n", address.describe(), KeyUtils.getKeyType(key),
                fingerprint(key), acceptInto);
    }

    private String names() {
        return String.join(", ", files.stream().map(Path::toString).toList());
    }

    /**
     * @param changedAt {@code FILE:LINE} of a different key of the same type for this host, or null
     * @param revokedAt {@code FILE:LINE} where this very key is marked revoked, or null
     */
    private record Match(boolean known, String changedAt, String revokedAt) {
    }
}
