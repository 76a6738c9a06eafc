package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import dev.suture.SutureHome;
import dev.suture.kernel.ReleaseLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code suture cache}: lists what is kept, and prunes only what nothing uses. */
class CacheCommandTest {
    @Test
    void leftoverBuildDirectoriesAreListedAndPrunedButOneInUseIsKept() throws Exception {
        String tag = "suture_cachetest-" + ProcessHandle.current().pid();
        Path idle = Files.createDirectories(SutureHome.builds().resolve(tag + "-idle"));
        Files.writeString(idle.resolve("suture_unit0.o_shipped"), "x".repeat(4096));
        Path busy = Files.createDirectories(SutureHome.builds().resolve(tag + "-busy"));
        try (ReleaseLock inUse = ReleaseLock.tryAcquire(busy.resolve(".in-use")).orElseThrow()) {
            JsonNode listed = Json.MAPPER.readTree(CliRun.of("cache", "--json").out());
            assertThat(listed.findValuesAsText("name")).contains(tag + "-idle").doesNotContain(tag + "-busy");

            CliRun dry = CliRun.of("cache", "prune", "--dry-run", "builds");
            assertThat(dry.exitCode()).isZero();
            assertThat(dry.err()).contains("would remove build " + tag + "-idle");
            assertThat(idle).exists();

            CliRun prune = CliRun.of("cache", "prune", "builds");
            assertThat(prune.exitCode()).isZero();
            assertThat(prune.err()).contains("removed build " + tag + "-idle");
            assertThat(idle).doesNotExist();
            assertThat(busy).as("a build in progress keeps its directory").exists();
        } finally {
            dev.suture.kernel.FileTrees.delete(busy);
            dev.suture.kernel.FileTrees.delete(idle);
        }
    }

    @Test
    void anUnknownThingToPruneIsRefusedInOneLine() {
        CliRun run = CliRun.of("cache", "prune", "everything");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("suture: unknown thing to prune: 'everything'").doesNotContain("at dev.suture");
    }
}
