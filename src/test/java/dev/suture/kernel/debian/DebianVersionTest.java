package dev.suture.kernel.debian;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Orders versions the way dpkg does ({@code dpkg --compare-versions} is the reference). */
class DebianVersionTest {
    @Test
    void kernelVersionsSortNumericallyNotAsText() {
        assertThat(v("6.1.192-2")).isGreaterThan(v("6.1.192-1"));
        assertThat(v("6.1.192-1")).isGreaterThan(v("6.1.187-1"));
        assertThat(v("6.1.100-1")).isGreaterThan(v("6.1.99-1"));
        assertThat(v("6.1.170-3")).isLessThan(v("6.1.176-1"));
    }

    @Test
    void dpkgSpecialCases() {
        assertThat(v("1.0~rc1-1")).isLessThan(v("1.0-1"));
        assertThat(v("1.0-1")).isLessThan(v("1.0+deb12u1-1"));
        assertThat(v("1:0.9")).isGreaterThan(v("9.9"));
        assertThat(v("1.0")).isLessThan(v("1.0a"));
        assertThat(v("1.01")).isEqualByComparingTo(v("1.1"));
        assertThat(v("6.1.192+2")).isGreaterThan(v("6.1.192"));
    }

    @Test
    void sortsAListLikeDpkg() {
        List<DebianVersion> shuffled = new ArrayList<>(List.of(v("6.1.192-2"), v("6.1.170-3"), v("6.1.192-1"),
                v("6.1.176-1"), v("6.1.190-1"), v("6.1.187-1")));
        Collections.shuffle(shuffled);
        Collections.sort(shuffled);

        assertThat(shuffled).extracting(DebianVersion::toString)
                .containsExactly("6.1.170-3", "6.1.176-1", "6.1.187-1", "6.1.190-1", "6.1.192-1", "6.1.192-2");
    }

    @Test
    void printsBackAsParsed() {
        assertThat(v("2:1.2.3-4").toString()).isEqualTo("2:1.2.3-4");
        assertThat(v("1.2").toString()).isEqualTo("1.2");
        assertThat(v("1.2-3-4")).isEqualTo(new DebianVersion(0, "1.2-3", "4"));
    }

    private static DebianVersion v(String text) {
        return DebianVersion.parse(text);
    }
}
