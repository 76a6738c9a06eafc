package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import dev.suture.channel.Channel;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine that loads only signed modules (booted with module.sig_enforce=1): an unsigned patch, and one signed
 * by a key the machine does not trust, are refused before anything loads, each with the way to sign or enroll.
 */
class SignedModuleVmTest {
    private static final String VM = "itest-sigenforce";

    @TempDir
    Path dir;

    @Test
    void unsignedAndUntrustedModulesAreRefusedBeforeLoading() throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path fix = Path.of(System.getProperty("suture.repo", ".")).resolve("examples/cmdline/cmdline.c");
        Path key = dir.resolve("signing.pem");
        Path cert = dir.resolve("signing.crt");
        run("openssl", "req", "-new", "-nodes", "-utf8", "-sha256", "-days", "30", "-batch", "-x509",
                "-subj", "/CN=Untrusted Suture key/", "-newkey", "rsa:2048", "-keyout", key.toString(), "-out", cert.toString());
        Path unsigned = dir.resolve("unsigned.ko");
        Path signed = dir.resolve("signed.ko");
        assertThat(CliRun.of("build", fix.toString(), "-o", unsigned.toString()).exitCode()).isZero();
        assertThat(CliRun.of("build", fix.toString(), "-o", signed.toString(), "--sign-key", key.toString(),
                "--sign-cert", cert.toString()).exitCode()).isZero();

        VmSpec spec = new VmSpec(VM, kernel, VmSpec.DEFAULT_CPUS, VmSpec.DEFAULT_MEMORY_MB, List.of(), List.of(), List.of(),
                "module.sig_enforce=1");
        try (TestVm vm = TestVm.boot(spec, false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            Channel ch = vm.channel();
            String before = ch.run("lsmod; ls /sys/kernel/livepatch", Duration.ofSeconds(30)).output();

            CliRun plain = CliRun.of("apply", "--target", "vm:" + VM, unsigned.toString());
            assertThat(plain.exitCode()).isEqualTo(2);
            assertThat(plain.err()).contains("loads only signed modules (module.sig_enforce is on)")
                    .contains("is not signed; nothing was loaded").contains("--sign-key").contains("mokutil --import");

            CliRun untrusted = CliRun.of("apply", "--target", "vm:" + VM, signed.toString());
            assertThat(untrusted.exitCode()).isEqualTo(2);
            assertThat(untrusted.err()).contains("does not trust the key").contains("Untrusted Suture key")
                    .contains("mokutil --import");

            assertThat(ch.run("lsmod; ls /sys/kernel/livepatch", Duration.ofSeconds(30)).output())
                    .as("nothing was loaded").isEqualTo(before);
        }

        // A machine that does not enforce signatures loads it, and status names who signed each patch.
        try (TestVm vm = TestVm.boot(VmSpec.of(VM + "-open", kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            String target = "vm:" + VM + "-open";
            assertThat(CliRun.of("apply", "--target", target, signed.toString()).exitCode()).isZero();
            CliRun status = CliRun.of("status", "--target", target);
            assertThat(status.out()).contains("suture_cmdline: enabled, signer: Untrusted Suture key");
            JsonNode json = Json.MAPPER.readTree(CliRun.of("status", "--target", target, "--json").out());
            assertThat(json.at("/signers/suture_cmdline").asText()).isEqualTo("Untrusted Suture key");
            assertThat(CliRun.of("revert", "--target", target, "suture_cmdline").exitCode()).isZero();
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
