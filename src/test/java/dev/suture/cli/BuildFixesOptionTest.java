package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** build --cve and --title are checked before anything is fetched or compiled. */
class BuildFixesOptionTest {
    private static final String FIX = Path.of(System.getProperty("suture.repo", "."))
            .resolve("examples/cmdline/cmdline.c").toString();

    @Test
    void aMalformedCveIsRefusedInOneLineWithTheFix() {
        CliRun run = CliRun.of("build", FIX, "--cve", "CVE-2026-0001", "--cve", "CVE-2026-12", "--kernel", "6.1.0-1-none");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(said(run)).containsExactly("suture: --cve 'CVE-2026-12' is not a CVE id",
                "  fix: write it as CVE-YEAR-NUMBER, the number four digits or more: --cve CVE-2024-26581");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aTitleWithControlCharactersIsRefused() {
        CliRun run = CliRun.of("build", FIX, "--title", "red \u001b[31m", "--kernel", "6.1.0-1-none");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(said(run)).hasSize(2).first().asString().startsWith("suture: --title holds control characters");
        assertThat(said(run).getLast()).startsWith("  fix: give the title as plain text");
    }

    /** What the CLI said about the mistake: its cause and fix lines (a test run's JVM may log other lines). */
    static List<String> said(CliRun run) {
        return run.err().lines().filter(l -> l.startsWith("suture:") || l.startsWith("  fix:")).toList();
    }

    @Test
    void theHelpNamesBothOptions() {
        CliRun run = CliRun.of("build", "--help");

        assertThat(run.out()).contains("--title=TEXT").contains("--cve=CVE-ID");
    }
}
