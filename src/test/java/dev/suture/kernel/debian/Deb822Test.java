package dev.suture.kernel.debian;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class Deb822Test {
    @Test
    void stanzasAreSplitOnBlankLinesAndContinuationsJoined() {
        String text = """
                Package: linux-kbuild-6.1
                Version: 6.1.192-2
                Description: Kbuild infrastructure for Linux 6.1
                 This package provides the kbuild infrastructure
                 for the headers packages.
                SHA256: 7e85

                Package: linux-kbuild-6.1
                Version: 6.1.176-1
                """;

        List<Deb822.Stanza> stanzas = Deb822.parse(text);

        assertThat(stanzas).hasSize(2);
        assertThat(stanzas.get(0).get("Version")).isEqualTo("6.1.192-2");
        assertThat(stanzas.get(0).get("Description")).isEqualTo(
                "Kbuild infrastructure for Linux 6.1\nThis package provides the kbuild infrastructure\n"
                        + "for the headers packages.");
        assertThat(stanzas.get(1).get("Version")).isEqualTo("6.1.176-1");
        assertThat(stanzas.get(1).get("SHA256")).isNull();
    }

    @Test
    void fieldNamesAreCaseInsensitiveAndValuesKeepInnerColons() {
        Deb822.Stanza stanza = Deb822.parse("package: a\nDepends: b (>= 1:2.0), c\n").getFirst();

        assertThat(stanza.get("Package")).isEqualTo("a");
        assertThat(stanza.get("DEPENDS")).isEqualTo("b (>= 1:2.0), c");
    }

    @Test
    void extraBlankLinesAndCarriageReturnsMakeNoEmptyStanzas() {
        assertThat(Deb822.parse("\n\nPackage: a\r\n\r\n\r\n\nPackage: b\n\n")).hasSize(2);
        assertThat(Deb822.parse("")).isEmpty();
    }
}
