package dev.suture.machine;

import dev.suture.kernel.debian.HostCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The signature a patch module carries, as {@code modinfo} reads it (kmod's own parser of the appended PKCS#7):
 * who signed it and the identifier of the key, which the machine's keyrings list as the X.509 key's subject key
 * id.
 */
public record ModuleSignature(String signer, String keyId) {
    private static final String MAGIC = "~Module signature appended~\n";

    /** The module's signature, or empty when it carries none. */
    public static Optional<ModuleSignature> of(Path module) throws IOException {
        byte[] bytes = Files.readAllBytes(module);
        if (bytes.length < MAGIC.length()
                || !new String(bytes, bytes.length - MAGIC.length(), MAGIC.length(), StandardCharsets.ISO_8859_1).equals(MAGIC)) {
            return Optional.empty();
        }
        String signer = HostCommand.run(List.of("modinfo", "-F", "signer", module.toString()), "apt-get install kmod").strip();
        String key = HostCommand.run(List.of("modinfo", "-F", "sig_key", module.toString()), "apt-get install kmod").strip();
        return Optional.of(new ModuleSignature(signer, normalized(key)));
    }

    /**
     * Who signed the stored edition {@code name} on the machine: its module is read from the edition store and
     * its signature read here. Empty when the machine has no stored module of that name.
     */
    public static Optional<String> signerOfEdition(dev.suture.channel.Channel machine, String name) throws IOException {
        String path = EditionStore.modulePath(name);
        if (!machine.run("[ -f " + dev.suture.channel.ShellQuote.quote(path) + " ]").ok()) {
            return Optional.empty();
        }
        Path copy = Files.createTempFile("suture-edition-", ".ko");
        try {
            Files.write(copy, machine.readFile(path));
            return Optional.of(of(copy).map(ModuleSignature::signer).orElse("unsigned"));
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** A key id as hex digits in lower case: modinfo writes {@code 6C:CE:..}, the keyrings {@code 6cce..}. */
    static String normalized(String keyId) {
        return keyId.replace(":", "").strip().toLowerCase(Locale.ROOT);
    }
}
