package dev.suture.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.Json;
import dev.suture.channel.SshAddress;
import dev.suture.channel.SshOptions;
import dev.suture.machine.TransitionEvent.Blocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rollout's report from each machine's result: order, outcomes, halting, the Markdown table. */
class FleetReportTest {
    private static final List<FleetHost> HOSTS = List.of(host("web1"), host("web2"), host("web3"), host("web4"));

    private static FleetHost host(String name) {
        return new FleetHost(name, new SshAddress("root", name, 22), SshOptions.defaults());
    }

    private static MachineResult result(String host, Outcome outcome, String reason, List<Blocker> blockers) {
        return new MachineResult("ssh:root@" + host + ":22", "apply", outcome, "suture_fix", "6.1.0-57-cloud-amd64",
                "01d2640d3a13145ee314eb05b155f141b7b7058b", reason, blockers, 1.5, Instant.parse("2026-12-02T10:00:00Z"));
    }

    @Test
    void aFailedMachineHaltsTheReportAndMachinesWithoutAResultWereNotReached(@TempDir Path dir) throws Exception {
        result("web1", Outcome.APPLIED, null, List.of()).write(dir.resolve("web1.json"));
        Blocker held = new Blocker(109, 109, "suture_fixture", "fixture_kthread_wait", true, List.of("fixture_kthread_wait"), false);
        result("web2", Outcome.ROLLED_BACK, "could not be applied within 20 s", List.of(held)).write(dir.resolve("web2.json"));
        result("web3", Outcome.NO_MODULE, "has no module for it", List.of()).write(dir.resolve("web3.json"));

        FleetReport report = FleetReport.of(HOSTS, dir);
        assertThat(report.halted()).isTrue();
        assertThat(report.haltedBy()).containsExactly("web2");
        assertThat(report.machines()).extracting(FleetReport.Row::outcome)
                .containsExactly(Outcome.APPLIED, Outcome.ROLLED_BACK, Outcome.NO_MODULE, Outcome.NOT_REACHED);
        assertThat(report.machines().get(3).reason()).isEqualTo("the rollout halted after web2 failed");
        assertThat(report.counts()).containsEntry(Outcome.APPLIED, 1).containsEntry(Outcome.NOT_REACHED, 1);
        assertThat(report.markdown()).contains("**Halted**: web2 failed")
                .contains("| web2 | ssh:root@web2:22 | rolled-back | 6.1.0-57-cloud-amd64 | 01d2640d3a13 | 1.5 s | blocked by "
                        + "suture_fixture (pid 109) kernel thread: in fixture_kthread_wait |")
                .contains("| web4 | ssh:root@web4:22 | not-reached |");

        String json = Json.write(report);
        assertThat(Json.MAPPER.readTree(json).path("machines").get(1).path("outcome").asText()).isEqualTo("rolled-back");
    }

    @Test
    void aFailedHealthCheckOverridesTheApplyAndAResultRoundTrips(@TempDir Path dir) throws Exception {
        for (FleetHost h : HOSTS) {
            result(h.name(), Outcome.APPLIED, null, List.of()).write(dir.resolve(h.name() + ".json"));
        }
        MachineResult unhealthy = result("web4", Outcome.UNHEALTHY, "the kernel is tainted W", List.of());
        unhealthy.write(dir.resolve("web4.health.json"));
        assertThat(MachineResult.read(dir.resolve("web4.health.json"))).isEqualTo(unhealthy);

        FleetReport report = FleetReport.of(HOSTS, dir);
        assertThat(report.halted()).isTrue();
        assertThat(report.machines().get(3).outcome()).isEqualTo(Outcome.UNHEALTHY);
        assertThat(report.machines().get(3).reason()).isEqualTo("the kernel is tainted W");
        assertThat(Files.list(dir).filter(p -> p.toString().endsWith(".tmp"))).as("written atomically").isEmpty();
    }

    @Test
    void aRolloutWithoutFailureIsNotHalted(@TempDir Path dir) throws Exception {
        result("web1", Outcome.APPLIED, null, List.of()).write(dir.resolve("web1.json"));
        FleetReport report = FleetReport.of(HOSTS, dir);
        assertThat(report.halted()).isFalse();
        assertThat(report.machines().get(1).reason()).isEqualTo("not run (yet)");
        assertThat(report.markdown()).contains("Completed without a failure");
    }
}
