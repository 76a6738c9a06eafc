package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.build.Kbuild;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import dev.suture.patch.source.FunctionFile;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The transition tests' fixture: a module with a user-task path and a kernel thread that sleep inside
 * functions a patch replaces (see suture_fixture.c), built against the machine's headers, loaded at boot,
 * and the patch that replaces those functions.
 */
public final class FixtureVm {
    public static final String PATCH = "suture_fixture_patch";
    private static final String RESOURCES = "/dev/suture/machine/fixture/";

    public final Path fixtureKo;
    public final Path patchKo;

    private FixtureVm(Path fixtureKo, Path patchKo) {
        this.fixtureKo = fixtureKo;
        this.patchKo = patchKo;
    }

    public static FixtureVm build(CachedKernel kernel, Path dir) throws IOException {
        return build(kernel, dir, dev.suture.manifest.Fixes.NONE);
    }

    /** The fixture and its patch, the patch saying it fixes {@code fixes}. */
    public static FixtureVm build(CachedKernel kernel, Path dir, dev.suture.manifest.Fixes fixes) throws IOException {
        Path moduleDir = Files.createDirectories(dir.resolve("fixture"));
        for (String name : List.of("suture_fixture.c", "Kbuild")) {
            copy(name, moduleDir.resolve(name));
        }
        Kbuild.Result make = Kbuild.buildModules(kernel, moduleDir);
        assertThat(make.ok()).as(make.output()).isTrue();
        Path fixture = moduleDir.resolve("suture_fixture.ko");
        Path patchSource = dir.resolve("fixture_patch.c");
        copy("fixture_patch.c", patchSource);
        Path patch = dir.resolve(PATCH + ".ko");
        new PatchBuild(kernel, System.err).withModuleFile(fixture).fixing(fixes).build(FixSource.read(patchSource), patch, false).orThrow();
        return new FixtureVm(fixture, patch);
    }

    public TestVm boot(CachedKernel kernel, String name) throws IOException {
        return TestVm.boot(VmSpec.of(name, kernel).withModules(List.of(fixtureKo.toString()), List.of()), false, true,
                TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = FixtureVm.class.getResourceAsStream(RESOURCES + resource)) {
            Files.copy(in, to);
        }
    }
}
