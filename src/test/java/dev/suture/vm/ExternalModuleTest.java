package dev.suture.vm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.Kbuild;
import dev.suture.kernel.Kernels;
import dev.suture.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External modules built against the cached headers load in the booted target kernel; a WARN they
 * trigger is caught by the console watch even though the command itself succeeds.
 */
class ExternalModuleTest {
    private static CachedKernel kernel;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void helloModuleBuildsAgainstCachedHeadersAndLoadsAtBoot(@TempDir Path dir) throws Exception {
        Path ko = buildModule(dir, "hello", "pr_info(\"suture hello from %s\\n\", THIS_MODULE->name);");
        VmSpec spec = VmSpec.of("itest-hello", kernel).withModules(List.of(ko.toString()), List.of());
        try (TestVm vm = TestVm.boot(spec, false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            Channel.CommandResult modules = vm.channel().run("cat /proc/modules; dmesg | grep 'suture hello'");
            assertThat(modules.exitCode()).isZero();
            assertThat(modules.output()).contains("hello ").contains("suture hello from hello");
        }
    }

    @Test
    void warningFromAModuleFailsTheRunWithTheConsoleReport(@TempDir Path dir) throws Exception {
        Path ko = buildModule(dir, "warner", "WARN(1, \"suture test warning\");");
        VmSpec spec = VmSpec.of("itest-warn", kernel).withFiles(List.of(new VmSpec.GuestFile(ko, "/root/warner.ko")));
        try (TestVm vm = TestVm.boot(spec, false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err)) {
            TestVm.Snapshot before = vm.snapshot();
            int status = vm.channel().run("insmod /root/warner.ko", new ByteArrayOutputStream(), Duration.ofMinutes(1));
            assertThat(status).isZero();
            List<KernelProblem> problems = vm.problemsSince(before);
            assertThat(problems).extracting(KernelProblem::kind).contains(KernelProblem.Kind.WARNING);
            assertThat(problems.getFirst().context()).anyMatch(l -> l.contains("suture test warning"));
            assertThat(problems).anyMatch(p -> p.kind() == KernelProblem.Kind.TAINT && p.summary().contains("W"));
        }
    }

    private static Path buildModule(Path dir, String name, String initBody) throws Exception {
        Files.writeString(dir.resolve("Kbuild"), "obj-m := " + name + ".o\n");
        Files.writeString(dir.resolve(name + ".c"), """
                #include <linux/module.h>
                #include <linux/init.h>
                static int __init %1$s_init(void)
                {
                	%2$s
                	return 0;
                }
                static void __exit %1$s_exit(void)
                {
                }
                module_init(%1$s_init);
                module_exit(%1$s_exit);
                MODULE_LICENSE("GPL");
                MODULE_DESCRIPTION("Suture test module");
                """.formatted(name, initBody), StandardCharsets.UTF_8);
        Kbuild.Result result = Kbuild.buildModules(kernel, dir);
        assertThat(result.ok()).as(result.output()).isTrue();
        Path ko = dir.resolve(name + ".ko");
        assertThat(ko).isRegularFile();
        return ko;
    }
}
