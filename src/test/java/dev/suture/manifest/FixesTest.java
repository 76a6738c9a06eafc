package dev.suture.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a patch fixes, kept canonical; CVE ids found in text, and typed ones checked. */
class FixesTest {
    @Test
    void cveIdsInTextAreFoundInAnyCaseUpperCasedWithoutDuplicatesAndSorted() {
        String text = "Fixes cve-2024-26581 and CVE-2023-0001 (see CVE-2024-26581); not CVE-24-1, not XCVE-2024-1111,"
                + " but CVE-2021-123456.";

        assertThat(Fixes.cvesIn(text)).containsExactly("CVE-2021-123456", "CVE-2023-0001", "CVE-2024-26581");
    }

    @Test
    void theRecordIsCanonicalWhateverItIsMadeFrom() {
        Fixes f = new Fixes("  proc:\tshow the\n length  ", List.of("cve-2024-0002", "CVE-2024-0001", "CVE-2024-0002"));

        assertThat(f.title()).isEqualTo("proc: show the length");
        assertThat(f.cves()).containsExactly("CVE-2024-0001", "CVE-2024-0002");
        assertThat(f.describe()).isEqualTo("CVE-2024-0001, CVE-2024-0002; proc: show the length");
        assertThat(f.fixes("cve-2024-0001")).isTrue();
        assertThat(f.fixes("CVE-2024-0003")).isFalse();
        assertThat(new Fixes(" ", null)).isEqualTo(Fixes.NONE);
        assertThat(Fixes.NONE.isEmpty()).isTrue();
        assertThat(Fixes.NONE.describe()).isEmpty();
        assertThat(new Fixes("only a title", List.of()).describe()).isEqualTo("only a title");
        assertThat(new Fixes(null, List.of("CVE-2024-0001")).describe()).isEqualTo("CVE-2024-0001");
    }

    @Test
    void whatTheUserGivesReplacesTheTitleAndAddsCves() {
        Fixes found = new Fixes("subject of the mail", List.of("CVE-2024-0002"));

        assertThat(found.with(new Fixes("the user's title", List.of("CVE-2024-0001", "CVE-2024-0002"))))
                .isEqualTo(new Fixes("the user's title", List.of("CVE-2024-0001", "CVE-2024-0002")));
        assertThat(found.with(new Fixes(null, List.of("CVE-2024-0003"))))
                .isEqualTo(new Fixes("subject of the mail", List.of("CVE-2024-0002", "CVE-2024-0003")));
        assertThat(found.with(Fixes.NONE)).isEqualTo(found);
    }

    @Test
    void aMalformedCveIdIsRefusedInOneLineWithTheFix() {
        assertThat(Fixes.requireCve("cve-2026-0001", "--cve")).isEqualTo("CVE-2026-0001");
        for (String bad : List.of("CVE-2026-1", "2026-0001", "CVE-26-0001", "CVE-2026-0001x", "CVE_2026_0001", "")) {
            assertThatThrownBy(() -> Fixes.requireCve(bad, "--cve"))
                    .isInstanceOfSatisfying(SutureException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("--cve '" + bad + "' is not a CVE id");
                        assertThat(e.fix()).contains("CVE-YEAR-NUMBER").contains("--cve CVE-2024-26581");
                        assertThat(e.exitCode()).isEqualTo(2);
                    });
        }
    }
}
