package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.source.FixSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds at once never mix: four fixes that share a file name (so a module name) but not their code, built at
 * the same time, each give a module holding their own code and their own manifest.
 */
class ConcurrentBuildTest {
    private static final int BUILDS = 4;
    private static CachedKernel kernel;
    @TempDir
    Path dir;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void fourBuildsOfSameNamedFixesAtOnceEachHoldTheirOwnCode() throws Exception {
        List<Path> workDirsBefore = workDirs();
        List<Path> fixes = new ArrayList<>();
        for (int i = 0; i < BUILDS; i++) {
            Path fix = Files.createDirectories(dir.resolve("author" + i)).resolve("fix.c");
            Files.writeString(fix, """
                    #include <linux/seq_file.h>
                    #include "suture.h"
                    static int patched_cmdline_proc_show(struct seq_file *m, void *v)
                    {
                    	seq_puts(m, "built-by-author-%d\\n");
                    	return 0;
                    }
                    SUTURE_REPLACE(cmdline_proc_show, patched_cmdline_proc_show);
                    """.formatted(i));
            fixes.add(fix);
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(BUILDS);
        try {
            List<Future<Path>> builds = new ArrayList<>();
            for (int i = 0; i < BUILDS; i++) {
                Path fix = fixes.get(i);
                Path ko = dir.resolve("fix" + i + ".ko");
                builds.add(pool.submit(() -> {
                    start.await();
                    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
                    new PatchBuild(kernel, quiet).build(FixSource.read(fix), ko, false).orThrow();
                    return ko;
                }));
            }
            start.countDown();
            for (int i = 0; i < BUILDS; i++) {
                Path ko = builds.get(i).get(10, TimeUnit.MINUTES);
                String module = new String(Files.readAllBytes(ko), StandardCharsets.ISO_8859_1);
                assertThat(module).as("module %d holds its own code", i).contains("built-by-author-" + i);
                for (int other = 0; other < BUILDS; other++) {
                    if (other != i) {
                        assertThat(module).as("module %d holds no other's code", i).doesNotContain("built-by-author-" + other);
                    }
                }
                PatchManifest manifest = ManifestReader.read(ko);
                assertThat(manifest.sourceSha256()).as("module %d's manifest is its own fix's", i)
                        .isEqualTo(FixSource.read(fixes.get(i)).sha256());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(workDirs()).as("no build leaves its work directory behind").isSubsetOf(workDirsBefore);
    }

    private static List<Path> workDirs() throws java.io.IOException {
        Path builds = dev.suture.SutureHome.builds();
        if (!Files.isDirectory(builds)) {
            return List.of();
        }
        try (var dirs = Files.list(builds)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("suture_fix-")).toList();
        }
    }
}
