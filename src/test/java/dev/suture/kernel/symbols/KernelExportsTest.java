package dev.suture.kernel.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Module.symvers as 6.1 writes it: CRC, name, exporter, kind, and a namespace column that is usually empty. */
class KernelExportsTest {
    private static final String SYMVERS = String.join("\n",
            "0x4c9d28b0\tphys_base\tvmlinux\tEXPORT_SYMBOL\t",
            "0x1a2b3c4d\tcrypto_cipher_setkey\tvmlinux\tEXPORT_SYMBOL_GPL\tCRYPTO_INTERNAL",
            "0x11111111\tdma_buf_get\tvmlinux\tEXPORT_SYMBOL_GPL\tDMA_BUF",
            "0x22222222\tmana_gd_send_request\tdrivers/net/ethernet/microsoft/mana/mana\tEXPORT_SYMBOL_GPL\tNET_MANA",
            "");

    @Test
    void exportersAndNamespaces() {
        KernelExports e = KernelExports.parse(SYMVERS);
        assertThat(e.exporter("phys_base")).contains("vmlinux");
        assertThat(e.exporter("mana_gd_send_request")).contains("mana");
        assertThat(e.namespace("phys_base")).isEmpty();
        assertThat(e.namespace("crypto_cipher_setkey")).contains("CRYPTO_INTERNAL");
        assertThat(e.namespace("mana_gd_send_request")).contains("NET_MANA");
        assertThat(e.namespacesOf(List.of("dma_buf_get", "phys_base", "crypto_cipher_setkey", "no_such", "dma_buf_get")))
                .containsExactly("CRYPTO_INTERNAL", "DMA_BUF");
    }
}
