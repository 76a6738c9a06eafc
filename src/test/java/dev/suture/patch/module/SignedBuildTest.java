package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.build.ModuleSigner;
import dev.suture.patch.source.FixSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed patch module: kbuild's sign-file appends the signature last, and modinfo names the signer. */
class SignedBuildTest {
    @TempDir
    Path dir;

    @Test
    void aSignedModuleCarriesTheSignerModinfoShows() throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path key = dir.resolve("signing.pem");
        Path cert = dir.resolve("signing.crt");
        run("openssl", "req", "-new", "-nodes", "-utf8", "-sha256", "-days", "30", "-batch", "-x509",
                "-subj", "/CN=Suture test signing key/", "-newkey", "rsa:2048", "-keyout", key.toString(),
                "-outform", "PEM", "-out", cert.toString());
        Path ko = dir.resolve("cmdline.ko");

        new PatchBuild(kernel, System.err).signWith(new ModuleSigner(key, cert))
                .build(FixSource.read(Path.of(System.getProperty("suture.repo", ".")).resolve("examples/cmdline/cmdline.c")), ko, false)
                .orThrow();

        byte[] bytes = Files.readAllBytes(ko);
        String tail = new String(bytes, bytes.length - 28, 28, StandardCharsets.ISO_8859_1);
        assertThat(tail).isEqualTo("~Module signature appended~\n");
        assertThat(run("modinfo", "-F", "signer", ko.toString()).strip()).isEqualTo("Suture test signing key");
        assertThat(run("modinfo", "-F", "sig_hashalgo", ko.toString()).strip()).isEqualTo("sha256");
        assertThat(dev.suture.manifest.ManifestReader.read(ko).release()).as("still a readable patch module")
                .isEqualTo(kernel.info().release());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
