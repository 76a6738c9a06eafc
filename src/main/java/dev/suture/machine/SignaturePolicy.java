package dev.suture.machine;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a machine loads only signed modules (lockdown in integrity or confidentiality mode, or
 * {@code module.sig_enforce}), and which keys it trusts (the X.509 keys its keyrings list in {@code /proc/keys}:
 * built-in, secondary and platform/MOK). Read in one command before anything is loaded, so an unsigned module,
 * or one signed by a key the machine does not trust, is refused with the way out instead of the kernel's bare
 * "Key was rejected by service".
 */
record SignaturePolicy(boolean enforced, String why, Optional<List<String>> trustedKeyIds) {
    private static final String READ = "echo \"enforce=$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)\"; "
            + "echo \"lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null)\"; "
            + "if [ -r /proc/keys ]; then echo keys; grep ' asymmetri ' /proc/keys; fi; exit 0";
    /** An X.509 key's line: {@code asymmetri CN: SUBJECT_KEY_ID: X509.rsa ...}, the id in hex. */
    private static final Pattern KEY = Pattern.compile(" asymmetri (.*?): ([0-9a-f]{8,})[: ]");

    static SignaturePolicy read(Channel machine) throws IOException {
        return parse(machine.run(READ, Duration.ofSeconds(30)).output());
    }

    static SignaturePolicy parse(String output) {
        boolean enforce = false;
        String lockdown = "";
        List<String> keys = null;
        for (String line : output.lines().toList()) {
            if (line.startsWith("enforce=")) {
                enforce = line.substring(8).strip().equals("Y");
            } else if (line.startsWith("lockdown=")) {
                Matcher m = Pattern.compile("\\[(\\w+)]").matcher(line);
                lockdown = m.find() ? m.group(1) : "";
            } else if (line.equals("keys")) {
                keys = new ArrayList<>();
            } else if (keys != null) {
                Matcher m = KEY.matcher(line + " ");
                if (m.find()) {
                    keys.add(m.group(2));
                }
            }
        }
        boolean locked = lockdown.equals("integrity") || lockdown.equals("confidentiality");
        String why = locked ? "the kernel is locked down (" + lockdown + ")" : enforce ? "module.sig_enforce is on" : "";
        return new SignaturePolicy(locked || enforce, why, Optional.ofNullable(keys));
    }

    /** Refuses, before loading, a module this machine would not load for its signature. */
    void check(Channel machine, Path module, String name) throws IOException {
        if (!enforced) {
            return;
        }
        Optional<ModuleSignature> signature = ModuleSignature.of(module);
        String enroll = "enroll its certificate in the machine's MOK list: mokutil --import CERT.der, then reboot and confirm";
        if (signature.isEmpty()) {
            throw new SutureException(machine.describe() + " loads only signed modules (" + why + "), and " + name
                    + " is not signed; nothing was loaded",
                    "build it signed: suture build FIX --sign-key KEY.pem --sign-cert CERT.pem, and " + enroll);
        }
        if (trustedKeyIds.isPresent() && !trustedKeyIds.get().contains(signature.get().keyId())) {
            throw new SutureException(machine.describe() + " loads only signed modules (" + why + "), and does not trust "
                    + "the key " + name + " is signed with (" + signature.get().signer() + ", key id "
                    + signature.get().keyId() + "); nothing was loaded",
                    "sign it with a key the machine trusts, or " + enroll);
        }
    }
}
