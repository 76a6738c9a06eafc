package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a patch fixes, from build to a booted machine's status: the cmdline example built with --cve and --title, then
 * status's exit codes for --cve and --expect before, while and after it is applied, its Prometheus metrics as a
 * strict reader of the text format reads them, and list's FIXES column.
 */
class StatusExitCodeVmTest {
    private static final String VM = "itest-statusexit";
    private static final String TARGET = "vm:" + VM;
    private static final String PATCH = "suture_cmdline";
    private static final String TITLE = "proc: show the command line's length \u2014 \"quoted\"";

    @TempDir
    Path dir;

    @Test
    void statusSaysWhetherTheMachineIsProtectedWithTheDocumentedExitCodes() throws Exception {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        Path ko = dir.resolve("cmdline.ko");
        CliRun build = CliRun.of("build", Path.of(System.getProperty("suture.repo", ".")).resolve("examples/cmdline/cmdline.c")
                .toString(), "--cve", "cve-2026-0001", "--title", TITLE, "-o", ko.toString());
        assertThat(build.exitCode()).as(build.err()).isZero();
        assertThat(build.err()).contains("  fixes: CVE-2026-0001; " + TITLE + "\n");

        try (TestVm vm = TestVm.boot(VmSpec.of(VM, kernel), false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            assertThat(status().exitCode()).as("nothing applied, nothing expected").isZero();
            CliRun none = status("--expect", PATCH);
            assertThat(none.exitCode()).as("an expected patch not applied").isEqualTo(1);
            assertThat(none.out()).contains("no livepatch applied").contains("expected patch " + PATCH + " is not applied");

            CliRun apply = CliRun.of("apply", "--target", TARGET, "--timeout", "120", ko.toString());
            assertThat(apply.exitCode()).as(apply.err()).isZero();

            CliRun protectedFrom = status("--cve", "CVE-2026-0001");
            assertThat(protectedFrom.exitCode()).as(protectedFrom.err()).isZero();
            assertThat(protectedFrom.out()).containsPattern(PATCH + ": enabled[^\n]*\n  fixes: CVE-2026-0001; "
                            + java.util.regex.Pattern.quote(TITLE) + "\n")
                    .contains("protected from CVE-2026-0001 by " + PATCH + " (enabled, settled)");

            CliRun other = status("--cve", "CVE-2026-9999");
            assertThat(other.exitCode()).isEqualTo(1);
            assertThat(other.out()).contains("not protected from CVE-2026-9999: no applied patch fixes it");

            assertThat(status("--expect", PATCH).exitCode()).isZero();
            CliRun missing = status("--expect", PATCH, "--expect", "suture_missing");
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.out()).contains("expected patch suture_missing is not applied");

            JsonNode json = Json.MAPPER.readTree(status("--json", "--cve", "CVE-2026-0001").out());
            assertThat(json.at("/fixes/" + PATCH + "/cves/0").asText()).isEqualTo("CVE-2026-0001");
            assertThat(json.at("/fixes/" + PATCH + "/title").asText()).isEqualTo(TITLE);
            assertThat(json.at("/verdict/exitCode").asInt()).isZero();
            assertThat(json.at("/verdict/state").asText()).isEqualTo("settled");

            CliRun prometheus = status("--prometheus", "--cve", "CVE-2026-0001");
            assertThat(prometheus.exitCode()).as(prometheus.err()).isZero();
            assertThat(prometheus.out()).contains("\nsuture_patch_enabled{patch=\"" + PATCH + "\"} 1\n");
            Map<String, TextExposition.Family> metrics = TextExposition.parse(prometheus.out());
            assertThat(metrics.get("suture_patch_fixes").samples()).singleElement()
                    .satisfies(s -> assertThat(s.labels()).isEqualTo(Map.of("patch", PATCH, "cve", "CVE-2026-0001")));
            assertThat(metrics.get("suture_patch_transition").samples()).singleElement()
                    .satisfies(s -> assertThat(s.value()).isZero());
            assertThat(metrics.get("suture_kernel_info").samples()).singleElement()
                    .satisfies(s -> assertThat(s.labels()).containsEntry("release", kernel.info().release()));
            assertThat(metrics.get("suture_cve_protected").samples()).singleElement()
                    .satisfies(s -> assertThat(s.value()).isEqualTo(1));
            assertThat(metrics.get("suture_status_code").samples().getFirst().value()).isZero();

            CliRun list = CliRun.of("list", "--target", TARGET);
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains("FIXES").containsPattern(PATCH + " .* CVE-2026-0001 ");
            JsonNode listed = Json.MAPPER.readTree(CliRun.of("list", "--target", TARGET, "--json").out());
            assertThat(listed.at("/0/manifest/fixes/cves/0").asText()).isEqualTo("CVE-2026-0001");

            CliRun revert = CliRun.of("revert", "--target", TARGET, "--timeout", "120", PATCH);
            assertThat(revert.exitCode()).as(revert.err()).isZero();
            CliRun gone = status("--cve", "CVE-2026-0001");
            assertThat(gone.exitCode()).as("reverted: no longer protected").isEqualTo(1);
            assertThat(gone.out()).contains("not protected from CVE-2026-0001");
        }
    }

    private static CliRun status(String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "status";
        args[1] = "--target";
        args[2] = TARGET;
        System.arraycopy(options, 0, args, 3, options.length);
        return CliRun.of(args);
    }
}
