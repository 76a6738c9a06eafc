package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.manifest.Fixes;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.SourceDiff;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a fix says it fixes, read from its text: a mail's subject and the CVE ids the fix itself names. */
class FixIdentityTest {
    /** Written by git format-patch -v2 -7: the third mail of the series, a CVE id twice in its message. */
    private static final String MAIL = "v2-0003-proc-show-the-length-of-the-command-line.patch";

    @Test
    void aFormatPatchMailGivesItsSubjectWithoutTheSeriesTagAndTheCvesOfItsMessage() throws Exception {
        FixSource fix = new FixSource(Path.of(MAIL), resource(MAIL));
        SourceDiff diff = SourceDiff.parse(fix.text(), fix.fileName());

        Fixes fixes = FixIdentity.of(fix, diff.subject());

        assertThat(fix.text()).contains("Subject: [PATCH v2 3/7] proc: show the length of the command line")
                .contains("CVE-2019-0001");
        assertThat(fixes.title()).isEqualTo("proc: show the length of the command line");
        // cve-2026-0001 and CVE-2026-0001 are one; CVE-2019-0001 is in a context line: the kernel's, not this fix's.
        assertThat(fixes.cves()).containsExactly("CVE-2026-0001", "CVE-2026-0002");
    }

    @Test
    void aDiffSpeaksForItsFixInItsMessageAndAddedLinesOnly() {
        String diff = """
                Backport of the fix for CVE-2026-1000.
                --- a/fs/proc/cmdline.c
                +++ b/fs/proc/cmdline.c
                @@ -1,3 +1,3 @@
                 /* CVE-2018-0001 was fixed here */
                -/* the old check for CVE-2020-0002 */
                +/* the check for CVE-2026-1001 */
                 int x;
                """;
        FixSource fix = new FixSource(Path.of("fix.diff"), diff.getBytes(StandardCharsets.UTF_8));

        assertThat(FixIdentity.of(fix, Optional.empty())).isEqualTo(new Fixes(null, List.of("CVE-2026-1000", "CVE-2026-1001")));
    }

    @Test
    void aFunctionFileNamesItsCvesInComments() {
        String file = """
                // Fixes CVE-2026-0003 (and cve-2026-0004) in /proc/cmdline.
                #include "suture.h"
                static int patched_cmdline_proc_show(struct seq_file *m, void *v) { return 0; }
                SUTURE_REPLACE(cmdline_proc_show, patched_cmdline_proc_show); /* CVE-2026-0003 */
                """;
        FixSource fix = new FixSource(Path.of("cmdline.c"), file.getBytes(StandardCharsets.UTF_8));

        Fixes fixes = FixIdentity.of(fix, Optional.empty()).with(new Fixes("what --title said", List.of("CVE-2026-0005")));

        assertThat(fixes).isEqualTo(new Fixes("what --title said", List.of("CVE-2026-0003", "CVE-2026-0004", "CVE-2026-0005")));
    }

    @Test
    void aSubjectKeepsNoControlCharacters() {
        FixSource fix = new FixSource(Path.of("fix.c"), new byte[0]);

        assertThat(FixIdentity.of(fix, Optional.of("red \u001b[31mtext\u001b[0m\tand tab")).title())
                .isEqualTo("red [31mtext[0m and tab");
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = FixIdentityTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
