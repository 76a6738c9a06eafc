package dev.suture.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import org.junit.jupiter.api.Test;

class ModuleIndexTest {
    private static final String DEP = """
            kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko
            kernel/lib/libcrc32c.ko:
            kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
            kernel/drivers/virtio/virtio_pci_legacy_dev.ko: kernel/drivers/virtio/virtio.ko
            kernel/drivers/virtio/virtio.ko:
            kernel/drivers/virtio/virtio_ring.ko:
            kernel/drivers/net/dummy-net.ko:
            """;

    @Test
    void loadOrderPutsDependenciesFirstOnce() {
        ModuleIndex index = ModuleIndex.parse(DEP);
        assertThat(index.loadOrder("xfs")).containsExactly("kernel/lib/libcrc32c.ko", "kernel/fs/xfs/xfs.ko");
        assertThat(index.loadOrder("virtio_pci")).containsExactly(
                "kernel/drivers/virtio/virtio.ko",
                "kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
                "kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio_pci.ko");
    }

    @Test
    void namesTreatDashesAndUnderscoresAlikeAndDropSuffixes() {
        ModuleIndex index = ModuleIndex.parse(DEP);
        assertThat(ModuleIndex.nameOf("kernel/fs/xfs/xfs.ko.xz")).isEqualTo("xfs");
        assertThat(index.pathOf("dummy_net")).isEqualTo("kernel/drivers/net/dummy-net.ko");
        assertThat(index.depLine("kernel/fs/xfs/xfs.ko")).isEqualTo("kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko");
    }

    @Test
    void unknownModuleIsAnErrorNamingSimilarOnes() {
        ModuleIndex index = ModuleIndex.parse(DEP);
        assertThatThrownBy(() -> index.loadOrder("virtio_p"))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("no module named 'virtio_p'")
                .hasMessageContaining("virtio_pci");
    }
}
