package dev.suture.kernel.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelReleaseTest {
    @Test
    void parsesBaseAbiAndFlavour() {
        KernelRelease r = KernelRelease.parse("6.1.0-56-cloud-amd64");

        assertThat(r.base()).isEqualTo("6.1.0");
        assertThat(r.abi()).isEqualTo(56);
        assertThat(r.flavour()).isEqualTo("cloud-amd64");
        assertThat(r.abiName()).isEqualTo("6.1.0-56");
        assertThat(r.series()).isEqualTo("6.1");
        assertThat(r).hasToString("6.1.0-56-cloud-amd64");
    }

    @Test
    void rejectsWhatIsNotARelease() {
        assertThat(KernelRelease.isRelease("6.12.107+deb12-cloud-amd64")).isFalse();
        assertThat(KernelRelease.isRelease("6.1-cloud-amd64")).isFalse();
        assertThatThrownBy(() -> KernelRelease.parse("latest")).isInstanceOf(SutureException.class)
                .hasMessageContaining("not a Debian kernel release: 'latest'")
                .extracting(e -> ((SutureException) e).fix()).asString().contains("list-available");
    }

    @Test
    void ordersByAbiNumerically() {
        List<KernelRelease> releases = new ArrayList<>(List.of(parse("6.1.0-9-amd64"), parse("6.1.0-56-amd64"),
                parse("6.1.0-53-amd64"), parse("5.10.0-30-amd64"), parse("6.10.0-1-amd64")));
        Collections.sort(releases);

        assertThat(releases).extracting(KernelRelease::toString).containsExactly(
                "5.10.0-30-amd64", "6.1.0-9-amd64", "6.1.0-53-amd64", "6.1.0-56-amd64", "6.10.0-1-amd64");
    }

    @Test
    void sameAbiOrdersByFlavour() {
        assertThat(parse("6.1.0-56-cloud-amd64")).isGreaterThan(parse("6.1.0-56-amd64"));
        assertThat(parse("6.1.0-56-amd64")).isGreaterThan(parse("6.1.0-55-cloud-amd64"));
    }

    private static KernelRelease parse(String text) {
        return KernelRelease.parse(text);
    }
}
