package dev.suture.kernel.build;

import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Signs a module with the kernel's own {@code scripts/sign-file} from its kbuild tree, with the hash algorithm
 * the kernel's config names ({@code CONFIG_MODULE_SIG_HASH}): what kbuild does for in-tree modules, so a machine
 * that enforces module signatures (lockdown, {@code module.sig_enforce}) takes it if it trusts the key.
 */
public record ModuleSigner(Path key, Path certificate) {
    public ModuleSigner {
        for (Path p : List.of(key, certificate)) {
            if (!Files.isRegularFile(p)) {
                throw new SutureException("no such signing file: " + p,
                        "give the private key (PEM) with --sign-key and its X.509 certificate (PEM or DER) with --sign-cert");
            }
        }
    }

    /** Appends the signature to {@code module} in place. */
    public void sign(CachedKernel kernel, Path module) throws IOException {
        Path signFile = kernel.headersDir().resolve("scripts/sign-file");
        if (!Files.isExecutable(signFile)) {
            throw new SutureException("the kernel's kbuild tree has no scripts/sign-file (" + signFile + ")",
                    "fetch the kernel again: suture kernel rm " + kernel.info().release() + " && suture kernel fetch "
                            + kernel.info().release());
        }
        ProcessBuilder pb = new ProcessBuilder(signFile.toString(), hashAlgorithm(kernel), key.toString(),
                certificate.toString(), module.toString()).redirectErrorStream(true);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SutureException("sign-file did not finish within 120 s", "check the key and certificate files");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while signing", null, e);
        }
        if (p.exitValue() != 0) {
            throw new SutureException("signing failed: " + output.strip().lines().findFirst().orElse("sign-file exit " + p.exitValue()),
                    "give a PEM private key with --sign-key and the matching certificate with --sign-cert");
        }
    }

    /** The kernel's module signature hash: CONFIG_MODULE_SIG_HASH, sha256 when the config does not say. */
    static String hashAlgorithm(CachedKernel kernel) throws IOException {
        return Files.readAllLines(kernel.config(), StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.startsWith("CONFIG_MODULE_SIG_HASH="))
                .map(l -> l.substring(l.indexOf('=') + 1).replace("\"", "").strip())
                .findFirst().orElse("sha256");
    }
}
