package dev.suture.kernel.debian;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AptTest {
    @Test
    void downloadLocationsAreParsedAndOtherLinesSkipped() {
        String output = """
                'http://mirror.example/debian-security/pool/updates/main/l/linux/linux-image-6.1.0-56-cloud-amd64-dbg_6.1.192-2_amd64.deb' linux-image-6.1.0-56-cloud-amd64-dbg_6.1.192-2_amd64.deb 283308068 SHA256:A835EDF97E22EC84DDCD4D773596376BE9EAAE0C5094053B14C8E557CF9D8FB7
                W: some warning apt printed
                'http://mirror.example/debian/pool/main/l/linux/linux-kbuild-6.1_6.1.176-1_amd64.deb' linux-kbuild-6.1_6.1.176-1_amd64.deb 1414900 MD5Sum:948d9667233a84d08b06cdbe9271302e
                """;

        List<Apt.DownloadUri> uris = Apt.parseDownloadUris(output);

        assertThat(uris).hasSize(2);
        Apt.DownloadUri dbg = uris.getFirst();
        assertThat(dbg.uri().getHost()).isEqualTo("mirror.example");
        assertThat(dbg.fileName()).isEqualTo("linux-image-6.1.0-56-cloud-amd64-dbg_6.1.192-2_amd64.deb");
        assertThat(dbg.size()).isEqualTo(283308068L);
        assertThat(dbg.sha256()).isEqualTo("a835edf97e22ec84ddcd4d773596376be9eaae0c5094053b14c8e557cf9d8fb7");
        assertThat(uris.get(1).sha256()).isNull();
    }
}
