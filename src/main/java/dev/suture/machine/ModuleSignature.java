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
record ModuleSignature(String signer, String keyId) {
    private static final String MAGIC = "~Module signature appended~\n";

    /** The module's signature, or empty when it carries none. */
    static Optional<ModuleSignature> of(Path module) throws IOException {
        byte[] bytes = Files.readAllBytes(module);
        if (bytes.length < MAGIC.length()
                || !new String(bytes, bytes.length - MAGIC.length(), MAGIC.length(), StandardCharsets.ISO_8859_1).equals(MAGIC)) {
            return Optional.empty();
        }
        String signer = HostCommand.run(List.of("modinfo", "-F", "signer", module.toString()), "apt-get install kmod").strip();
        String key = HostCommand.run(List.of("modinfo", "-F", "sig_key", module.toString()), "apt-get install kmod").strip();
        return Optional.of(new ModuleSignature(signer, normalized(key)));
    }

    /** A key id as hex digits in lower case: modinfo writes {@code 6C:CE:..}, the keyrings {@code 6cce..}. */
    static String normalized(String keyId) {
        return keyId.replace(":", "").strip().toLowerCase(Locale.ROOT);
    }
}
