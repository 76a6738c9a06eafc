package dev.suture.kernel.debian;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The archive keeps only 6.1.192-2 and 6.1.176-1 of linux-kbuild-6.1; these are the choices that follow. */
class KbuildChoiceTest {
    private static final List<DebianPackage> ARCHIVE = List.of(kbuild("6.1.192-2"), kbuild("6.1.176-1"));

    @Test
    void exactVersionWhenTheArchiveHasIt() {
        KbuildChoice choice = choose("6.1.192-2", ARCHIVE).orElseThrow();

        assertThat(choice.exact()).isTrue();
        assertThat(choice.version()).hasToString("6.1.192-2");
        assertThat(choice.warningFor(DebianVersion.parse("6.1.192-2"))).isNull();
    }

    @Test
    void lowestNewerVersionWhenTheExactOneIsGone() {
        KbuildChoice choice = choose("6.1.187-1", ARCHIVE).orElseThrow();

        assertThat(choice.exact()).isFalse();
        assertThat(choice.version()).hasToString("6.1.192-2");
        assertThat(choice.warningFor(DebianVersion.parse("6.1.187-1")))
                .contains("linux-kbuild-6.1 6.1.187-1").contains("using 6.1.192-2");
    }

    @Test
    void newerButNotNewestWhenThatIsNearer() {
        assertThat(choose("6.1.170-3", ARCHIVE).orElseThrow().version()).hasToString("6.1.176-1");
    }

    @Test
    void newestOlderVersionWhenNothingNewerExists() {
        KbuildChoice choice = choose("6.1.200-1", ARCHIVE).orElseThrow();

        assertThat(choice.exact()).isFalse();
        assertThat(choice.version()).hasToString("6.1.192-2");
    }

    @Test
    void noneWhenTheArchiveHasNoKbuildAtAll() {
        assertThat(choose("6.1.192-2", List.of())).isEmpty();
    }

    private static Optional<KbuildChoice> choose(String kernelVersion, List<DebianPackage> candidates) {
        return KbuildChoice.choose(DebianVersion.parse(kernelVersion), candidates);
    }

    private static DebianPackage kbuild(String version) {
        return new DebianPackage("linux-kbuild-6.1", DebianVersion.parse(version), "amd64", 1, 1, "00", "", "");
    }
}
