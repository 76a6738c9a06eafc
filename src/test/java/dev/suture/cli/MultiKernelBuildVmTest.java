package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import dev.suture.channel.Channel;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fix for every kernel a fleet runs: one build for two releases (and one that does not exist, which is
 * reported and does not stop the others), then {@code apply DIR} on VMs of each release picks each its own
 * module; a directory with no module for a VM's kernel leaves that VM untouched.
 */
class MultiKernelBuildVmTest {
    private static final String NEWER = "6.1.0-57-cloud-amd64";
    private static final String OLDER = "6.1.0-53-cloud-amd64";
    private static final String MISSING = "6.1.0-1-cloud-amd64";

    @TempDir
    Path dir;

    @Test
    void oneBuildForSeveralKernelsAndEachMachineGetsItsOwnModule() throws Exception {
        Path fix = Path.of(System.getProperty("suture.repo", ".")).resolve("examples/cmdline/cmdline.c");
        Path modules = dir.resolve("modules");

        CliRun build = CliRun.of("build", fix.toString(), "--kernel", NEWER, "--kernel", OLDER, "--kernel", MISSING,
                "-o", modules.toString(), "--json");

        assertThat(build.exitCode()).as("not every kernel got a module").isEqualTo(2);
        JsonNode report = Json.MAPPER.readTree(build.out());
        assertThat(report.at("/kernels/0/outcome").asText()).isEqualTo("built");
        assertThat(report.at("/kernels/1/outcome").asText()).isEqualTo("built");
        assertThat(report.at("/kernels/2/outcome").asText()).isEqualTo("error");
        assertThat(report.at("/kernels/2/release").asText()).isEqualTo(MISSING);
        assertThat(Json.MAPPER.readTree(modules.resolve("build.json").toFile())).isEqualTo(report);
        assertThat(ManifestReader.read(modules.resolve(NEWER + "/suture_cmdline.ko")).release()).isEqualTo(NEWER);
        assertThat(ManifestReader.read(modules.resolve(OLDER + "/suture_cmdline.ko")).release()).isEqualTo(OLDER);

        Path olderOnly = Files.createDirectories(dir.resolve("older-only/" + OLDER));
        Files.copy(modules.resolve(OLDER + "/suture_cmdline.ko"), olderOnly.resolve("suture_cmdline.ko"));

        for (String release : new String[] {NEWER, OLDER}) {
            CachedKernel kernel = Kernels.resolve(release, System.err);
            String name = "itest-multi-" + release.split("-")[1];
            try (TestVm vm = TestVm.boot(VmSpec.of(name, kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
                Channel ch = vm.channel();
                if (release.equals(NEWER)) {
                    String lsmod = ch.run("lsmod", Duration.ofSeconds(30)).output();
                    CliRun none = CliRun.of("apply", "--target", "vm:" + name, dir.resolve("older-only").toString());
                    assertThat(none.exitCode()).isEqualTo(2);
                    assertThat(none.err()).contains("has no module for it (it has: " + OLDER + "); nothing was done");
                    assertThat(ch.run("lsmod", Duration.ofSeconds(30)).output()).as("left untouched").isEqualTo(lsmod);
                }
                CliRun apply = CliRun.of("apply", "--target", "vm:" + name, modules.toString());
                assertThat(apply.exitCode()).as(apply.err()).isZero();
                assertThat(apply.err()).contains("runs " + release + ": applying " + release + "/suture_cmdline.ko");
                assertThat(ch.run("cat /proc/cmdline", Duration.ofSeconds(30)).output()).contains("suture.patched=");
                assertThat(CliRun.of("revert", "--target", "vm:" + name, "suture_cmdline").exitCode()).isZero();
                assertThat(ch.run("cat /proc/cmdline", Duration.ofSeconds(30)).output()).doesNotContain("suture.patched=");
            }
        }
    }
}
