package dev.suture.kernel.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakefilesTest {
    @TempDir
    Path root;

    @Test
    void aUnitsGatesAreFollowedThroughCompositeObjectsAndParentDirectories() throws Exception {
        write("Kbuild", "obj-y\t\t\t+= sound/\n");
        write("sound/Makefile", "obj-$(CONFIG_SOUND) += soundcore.o\nobj-$(CONFIG_SND) += core/ i2c/ \\\n\tdrivers/\n");
        write("sound/core/Makefile", "snd-y     := sound.o init.o memory.o\nsnd-y += info.o\nobj-$(CONFIG_SND) \t\t+= snd.o\n");
        write("sound/core/init.c", "int x;\n");

        assertThat(Makefiles.gatingOptions(root, "sound/core/init.c")).containsExactly("CONFIG_SND");
        assertThat(Makefiles.gatingOptions(root, "sound/core/info.c")).containsExactly("CONFIG_SND");
        assertThat(Makefiles.isIncludedSource(root, "sound/core/init.c")).isFalse();
    }

    @Test
    void aBuiltInUnitWithoutOptionsHasNoGates() throws Exception {
        write("Makefile", "obj-y += fs/\n");
        write("fs/Makefile", "obj-y := open.o read_write.o\nobj-$(CONFIG_PROC_FS) += proc/\n");
        write("fs/proc/Makefile", "obj-y += proc.o\nproc-y := cmdline.o\n");

        assertThat(Makefiles.gatingOptions(root, "fs/open.c")).isEmpty();
        assertThat(Makefiles.gatingOptions(root, "fs/proc/cmdline.c")).containsExactly("CONFIG_PROC_FS");
        assertThat(Makefiles.isIncludedSource(root, "fs/proc/psi.c")).isTrue();
    }

    private void write(String path, String text) throws Exception {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
