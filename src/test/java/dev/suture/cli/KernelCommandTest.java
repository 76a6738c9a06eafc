package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code suture kernel ...} against the real archive index and the user's cache (with the default kernel). */
class KernelCommandTest {
    private static CachedKernel kernel;

    @BeforeAll
    static void defaultKernel() {
        kernel = Kernels.resolve(null, System.err);
    }

    @Test
    void listAvailableMarksTheDefaultAsCachedAndComplete() throws Exception {
        CliRun run = CliRun.of("kernel", "list-available", "--json");

        assertThat(run.exitCode()).isZero();
        JsonNode rows = Json.MAPPER.readTree(run.out());
        assertThat(rows.isArray()).isTrue();
        JsonNode first = rows.get(0);
        assertThat(first.get("release").asText()).endsWith("-cloud-amd64").isEqualTo(kernel.info().release());
        assertThat(first.get("isDefault").asBoolean()).isTrue();
        assertThat(first.get("cached").asBoolean()).isTrue();
        assertThat(first.get("fetchable").asBoolean()).isTrue();
        for (JsonNode row : rows) {
            assertThat(row.get("flavour").asText()).isIn("cloud-amd64", "amd64");
        }
    }

    @Test
    void listAvailableTableShowsTheDefaultMark() {
        CliRun run = CliRun.of("kernel", "list-available");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines().findFirst()).hasValueSatisfying(h -> assertThat(h).startsWith("RELEASE"));
        assertThat(run.out()).contains("* " + kernel.info().release());
    }

    @Test
    void fetchOfACachedKernelSaysSoAndPrintsItsDirectory() {
        CliRun run = CliRun.of("kernel", "fetch", kernel.info().release());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(kernel.dir().toString());
        assertThat(run.err()).contains("already cached").contains(kernel.info().buildId());
    }

    @Test
    void listShowsTheCachedKernelWithItsBuildId() throws Exception {
        CliRun table = CliRun.of("kernel", "list");
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).containsPattern(kernel.info().release() + "\\s+" + kernel.info().version()
                + "\\s+[0-9.]+ MB\\s+" + kernel.info().buildId());

        JsonNode json = Json.MAPPER.readTree(CliRun.of("kernel", "list", "--json").out());
        JsonNode entry = null;
        for (JsonNode e : json) {
            if (e.get("release").asText().equals(kernel.info().release())) {
                entry = e;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.get("dir").asText()).isEqualTo(kernel.dir().toString());
        assertThat(entry.get("sizeBytes").asLong()).isGreaterThan(500_000_000L);
        assertThat(entry.get("buildId").asText()).isEqualTo(kernel.info().buildId());
    }

    @Test
    void pathPrintsTheCacheDirectory() {
        CliRun run = CliRun.of("kernel", "path", kernel.info().release());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().strip()).isEqualTo(kernel.dir().toString());
    }

    @Test
    void removingOrLocatingAnUncachedKernelFailsWithTheFix() {
        CliRun rm = CliRun.of("kernel", "rm", "6.1.0-1-cloud-amd64");
        assertThat(rm.exitCode()).isEqualTo(2);
        // Removing what is not there is nothing to do: the fix says what is cached, not how to fetch it.
        assertThat(rm.err()).contains("kernel 6.1.0-1-cloud-amd64 is not in the cache: nothing to remove")
                .contains(kernel.info().release())
                .contains("fix: see what is cached with 'suture kernel list'");

        CliRun path = CliRun.of("kernel", "path", "6.1.0-1-cloud-amd64");
        assertThat(path.exitCode()).isEqualTo(2);
        assertThat(path.out()).isEmpty();
    }

    @Test
    void unknownReleaseIsRefusedBeforeAnyDownload() {
        CliRun run = CliRun.of("kernel", "fetch", "6.1.0-999-cloud-amd64");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("6.1.0-999-cloud-amd64 is not in Debian's archive")
                .contains(kernel.info().release())
                .contains("fix: pick a release from 'suture kernel list-available'");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : new String[] {"list-available", "fetch", "list", "path", "rm"}) {
            CliRun run = CliRun.of("kernel", sub, "--help");
            assertThat(run.exitCode()).as(sub).isZero();
            assertThat(run.out()).as(sub).contains("Usage: suture kernel " + sub);
        }
    }
}
