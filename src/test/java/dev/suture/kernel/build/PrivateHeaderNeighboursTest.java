package dev.suture.kernel.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateHeaderNeighboursTest {
    @TempDir
    Path root;

    @Test
    void theNeighboursThatIncludeAChangedPrivateHeaderComeAlongDirectlyOrThroughEachOther() throws Exception {
        write("drivers/nvme/host/nvme.h", "struct nvme_ctrl;\n");
        write("drivers/nvme/host/trace.h", "#include <linux/nvme.h>\n#include \"nvme.h\"\n");
        write("drivers/nvme/host/trace-helpers.h", "# include \"trace.h\"\n");
        write("drivers/nvme/host/fabrics.h", "#include <linux/in.h>\n");
        write("drivers/nvme/host/pci.c", "#include \"trace.h\"\n#include \"nvme.h\"\n");

        assertThat(PrivateHeaderNeighbours.of(root, Set.of("drivers/nvme/host/pci.c", "drivers/nvme/host/nvme.h")))
                .containsExactly("drivers/nvme/host/trace-helpers.h", "drivers/nvme/host/trace.h");
    }

    @Test
    void aReplacedNeighbourAndGlobalHeadersAreLeftAlone() throws Exception {
        write("fs/smb/a.h", "#include \"b.h\"\n");
        write("fs/smb/b.h", "int b;\n");
        write("include/linux/fs.h", "int f;\n");

        assertThat(PrivateHeaderNeighbours.of(root, Set.of("fs/smb/a.h", "fs/smb/b.h", "include/linux/fs.h"))).isEmpty();
        assertThat(PrivateHeaderNeighbours.of(root, Set.of("include/linux/fs.h", "fs/smb/x.c"))).isEmpty();
    }

    private void write(String path, String text) throws Exception {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
