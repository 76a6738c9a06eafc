package dev.suture.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default kernel, fetched from Debian's archive into the user's cache (once; the VM tests use it too):
 * every part Suture relies on is there and consistent.
 */
class KernelFetchTest {
    private static CachedKernel kernel;

    @BeforeAll
    static void fetchDefaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void isTheDefaultReleaseAndFinished() {
        assertThat(kernel.release()).isEqualTo(Kernels.defaultRelease());
        assertThat(kernel.dir().getFileName()).hasToString(kernel.info().release());
        assertThat(KernelCache.defaultCache().stagingDir(kernel.release())).doesNotExist();
        assertThat(kernel.dir().resolve("downloads")).doesNotExist();
        assertThat(kernel.dir().resolve("unpack")).doesNotExist();
        assertThat(kernel.info().packages()).extracting(KernelInfo.PackageRef::name).containsExactlyInAnyOrder(
                "linux-image-" + kernel.release(), "linux-image-" + kernel.release() + "-dbg",
                "linux-headers-" + kernel.release(), "linux-headers-" + kernel.release().abiName() + "-common",
                "linux-kbuild-" + kernel.release().series());
    }

    @Test
    void bootPartsAreThere() throws IOException {
        byte[] image = Files.readAllBytes(kernel.vmlinuz());
        // A bzImage carries the boot protocol magic "HdrS" at 0x202.
        assertThat(new String(image, 0x202, 4, StandardCharsets.US_ASCII)).isEqualTo("HdrS");
        assertThat(Files.readString(kernel.config())).contains("CONFIG_LIVEPATCH=y");
    }

    @Test
    void modulesHaveTheirDependencyIndex() throws IOException {
        Path modules = kernel.modulesDir();
        assertThat(modules.resolve("modules.order")).isRegularFile();
        assertThat(modules.resolve("modules.dep.bin")).isRegularFile();
        String dep = Files.readString(modules.resolve("modules.dep"));
        assertThat(dep.lines().count()).isGreaterThan(100);
        assertThat(dep).contains("kernel/").contains(".ko:");
    }

    @Test
    void buildIdIsTheOneReadelfReports() throws Exception {
        Matcher m = Pattern.compile("Build ID: ([0-9a-f]+)").matcher(run(null, "readelf", "-n", kernel.vmlinux().toString()));
        assertThat(m.find()).isTrue();
        assertThat(kernel.info().buildId()).isEqualTo(m.group(1)).hasSize(40);
    }

    @Test
    void headersAreRelocatableAndComplete() throws IOException {
        Path headers = kernel.headersDir();
        assertThat(Files.readString(headers.resolve("Makefile"))).doesNotContain("/usr/src");
        assertThat(headers.resolve(".config")).isRegularFile();
        assertThat(headers.resolve("Module.symvers")).isRegularFile();
        assertThat(headers.resolve("scripts/mod/modpost")).isExecutable();
        assertThat(Files.readSymbolicLink(headers.resolve("scripts")).isAbsolute()).isFalse();
    }

    @Test
    void headersBuildAnExternalModule(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("hello.c"), """
                #include <linux/module.h>
                static int __init hello_init(void) { pr_info("hello\\n"); return 0; }
                static void __exit hello_exit(void) { }
                module_init(hello_init);
                module_exit(hello_exit);
                MODULE_LICENSE("GPL");
                """);
        Files.writeString(dir.resolve("Kbuild"), "obj-m := hello.o\n");

        run(dir, "make", "-C", kernel.headersDir().toString(), "M=" + dir, "modules");

        assertThat(dir.resolve("hello.ko")).isRegularFile();
        assertThat(run(dir, modinfo(), "-F", "vermagic", dir.resolve("hello.ko").toString()))
                .startsWith(kernel.info().release() + " SMP");
    }

    private static String run(Path workDir, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }

    /** kmod's tools live in /usr/sbin, which an ordinary user's PATH may lack. */
    private static String modinfo() {
        return Files.isExecutable(Path.of("/usr/sbin/modinfo")) ? "/usr/sbin/modinfo" : "modinfo";
    }
}
