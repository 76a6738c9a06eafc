package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** status's questions are checked before any machine is asked, and its help documents the exit status. */
class StatusOptionsTest {
    @Test
    void aMalformedCveIsRefusedBeforeAnyMachineIsAsked() {
        CliRun run = CliRun.of("status", "--target", "vm:itest-nosuch", "--cve", "CVE-2026");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(BuildFixesOptionTest.said(run)).hasSize(2).first().isEqualTo("suture: --cve 'CVE-2026' is not a CVE id");
    }

    @Test
    void anExpectedPatchGivenAsAFileNameIsRefusedWithItsName() {
        CliRun run = CliRun.of("status", "--target", "vm:itest-nosuch", "--expect", "suture-cmdline.ko");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(BuildFixesOptionTest.said(run)).containsExactly(
                "suture: --expect 'suture-cmdline.ko' is not a patch name as status shows it",
                "  fix: name the livepatch, e.g. --expect suture_cmdline");
    }

    @Test
    void jsonAndPrometheusTogetherAreRefused() {
        CliRun run = CliRun.of("status", "--target", "vm:itest-nosuch", "--json", "--prometheus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(BuildFixesOptionTest.said(run)).first().isEqualTo("suture: --json and --prometheus are two forms of the same status");
    }

    @Test
    void theHelpListsEveryExitStatus() {
        String help = CliRun.of("status", "--help").out();

        assertThat(help).contains("Exit status:").contains("--cve=CVE-ID").contains("--expect=PATCH").contains("--prometheus");
        for (String code : new String[] {"0", "1", "2", "3", "4", "70"}) {
            assertThat(help).containsPattern("(?m)^\\s+" + code + "\\s+\\S");
        }
    }
}
