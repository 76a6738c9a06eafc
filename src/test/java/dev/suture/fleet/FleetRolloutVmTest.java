package dev.suture.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.channel.LocalSshServer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.machine.FixtureVm;
import dev.suture.vm.SshServer;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ansible rollout (ansible/ansible_collections/suture/livepatch) over three booted VMs with SSH servers, run by
 * Debian's ansible-playbook exactly as an operator would: web1 and web2 run one kernel, web3 an older one; all load
 * the transition fixture, whose patch is built per kernel into a module directory. web2 logs in as a non-root user
 * with ansible_become (Suture's --sudo). A healthy fleet is patched in waves of one and the report says so; a blocker
 * on web2 that never leaves rolls web2 back by its deadline and halts the rollout before web3; a directory without
 * web3's kernel leaves web3 untouched and says so.
 */
class FleetRolloutVmTest {
    private static final String NEWER = "6.1.0-57-cloud-amd64";
    private static final String OLDER = "6.1.0-53-cloud-amd64";
    private static final String PATCH = FixtureVm.PATCH;
    private static final String CVE = "CVE-2026-1234";
    private static final List<String> NAMES = List.of("web1", "web2", "web3");
    private static final Path REPO = Path.of(System.getProperty("suture.repo", ".")).toAbsolutePath();
    private static final dev.suture.manifest.Fixes FIXES = new dev.suture.manifest.Fixes("fixture: wait differently", List.of(CVE));
    private static final List<TestVm> VMS = new ArrayList<>();
    private static Path work;
    private static Path inventory;
    private static Path bothKernels;
    private static Path newerOnly;

    @BeforeAll
    static void boot(@TempDir Path dir) throws Exception {
        work = dir;
        run(List.of(REPO.resolve("bin/suture").toString(), "--version"), 600);  // the launcher built once, before the forks
        CachedKernel newer = Kernels.resolve(NEWER, System.err);
        CachedKernel older = Kernels.resolve(OLDER, System.err);
        FixtureVm newerFixture = FixtureVm.build(newer, Files.createDirectories(dir.resolve("fixture-newer")), FIXES);
        FixtureVm olderFixture = FixtureVm.build(older, Files.createDirectories(dir.resolve("fixture-older")), FIXES);
        bothKernels = dir.resolve("modules");
        place(bothKernels, NEWER, newerFixture.patchKo);
        place(bothKernels, OLDER, olderFixture.patchKo);
        newerOnly = dir.resolve("newer-only");
        place(newerOnly, NEWER, newerFixture.patchKo);

        KeyPair key = LocalSshServer.newKey();
        Path identity = LocalSshServer.writePrivateKey(key, dir.resolve("id_fleet"));
        SshServer ssh = new SshServer(List.of(PublicKeyEntry.toString(key.getPublic())));
        StringBuilder known = new StringBuilder();
        StringBuilder hosts = new StringBuilder("[canary]\n");
        for (int i = 0; i < NAMES.size(); i++) {
            boolean old = i == 2;
            TestVm vm = TestVm.boot(VmSpec.of("itest-fleet-" + NAMES.get(i), old ? older : newer)
                            .withModules(List.of((old ? olderFixture : newerFixture).fixtureKo.toString()), List.of()).withSsh(ssh),
                    false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
            VMS.add(vm);
            known.append(Files.readString(vm.home().knownHosts()));
            hosts.append(NAMES.get(i)).append(" ansible_host=127.0.0.1 ansible_port=").append(vm.state().sshPort())
                    .append(i == 1 ? " ansible_user=" + SshServer.USER + " ansible_become=true" : " ansible_user=root")
                    .append('\n');
            if (i == 0) {
                hosts.append("[rest]\n");
            }
        }
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), known);
        hosts.append("[all:vars]\nansible_ssh_private_key_file=").append(identity).append("\nsuture_known_hosts=")
                .append(knownHosts).append('\n');
        inventory = Files.writeString(dir.resolve("inventory.ini"), hosts);
    }

    @AfterAll
    static void stop() {
        VMS.forEach(TestVm::stop);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (TestVm vm : VMS) {
            vm.channel().run("echo release-kthread > /proc/suture_fixture_ctl");
        }
        for (TestVm vm : VMS) {
            if (vm.channel().run("[ -d /sys/kernel/livepatch/" + PATCH + " ]").ok()) {
                assertThat(suture("revert", "--target", "vm:" + vm.state().name(), PATCH).exit()).isZero();
            }
        }
    }

    @Test
    void aHealthyFleetIsPatchedInWavesAndTheReportAndFleetStatusAgree() throws Exception {
        Path results = work.resolve("healthy");
        Run rollout = playbook(results, "-e", "suture_patch=" + bothKernels);
        assertThat(rollout.exit()).as(rollout.output()).isZero();
        JsonNode report = Json.MAPPER.readTree(results.resolve("report.json").toFile());
        assertThat(report.path("halted").asBoolean()).isFalse();
        for (int i = 0; i < NAMES.size(); i++) {
            JsonNode row = report.path("machines").get(i);
            assertThat(row.path("host").asText()).isEqualTo(NAMES.get(i));
            assertThat(row.path("outcome").asText()).as(row.toString()).isEqualTo("applied");
            assertThat(row.path("release").asText()).isEqualTo(i == 2 ? OLDER : NEWER);
            assertThat(row.path("buildId").asText()).hasSize(40);
            assertThat(row.path("transitionSeconds").asDouble()).isPositive();
            assertThat(enabled(VMS.get(i))).isTrue();
        }
        assertThat(Files.readString(results.resolve("report.md"))).contains("Completed without a failure")
                .contains("| web3 | ssh:root@127.0.0.1:").contains("| applied | " + OLDER + " |");

        Run status = suture("status", "--inventory", inventory.toString(), "--json");
        assertThat(status.exit()).as(status.output()).isZero();
        JsonNode machines = Json.MAPPER.readTree(status.stdout());
        assertThat(machines).hasSize(3);
        for (JsonNode m : machines) {
            assertThat(m.path("status").path("livepatch").path("patches").get(0).path("name").asText()).isEqualTo(PATCH);
            assertThat(m.path("status").path("livepatch").path("patches").get(0).path("enabled").asBoolean()).isTrue();
        }
        assertThat(suture("status", "--inventory", inventory.toString()).stdout()).contains("web2")
                .contains(PATCH + ":enabled").contains(OLDER).contains(CVE);
        Run protectedFleet = suture("status", "--inventory", inventory.toString(), "--cve", CVE);
        assertThat(protectedFleet.exit()).as(protectedFleet.output()).isZero();
        assertThat(protectedFleet.stdout()).contains("PROTECTED FROM " + CVE).contains("3 of 3 machine(s) protected from " + CVE);

        Run revert = playbook(work.resolve("revert"), "-e", "suture_action=revert", "-e", "suture_patch_name=" + PATCH);
        assertThat(revert.exit()).as(revert.output()).isZero();
        JsonNode reverted = Json.MAPPER.readTree(work.resolve("revert/report.json").toFile());
        reverted.path("machines").forEach(m -> assertThat(m.path("outcome").asText()).isEqualTo("reverted"));
        for (TestVm vm : VMS) {
            assertThat(enabled(vm)).isFalse();
        }

        // install rolls out the same way: applied now and kept for every boot (on the canary alone here).
        Run install = playbook(work.resolve("install"), "-e", "suture_action=install", "-e", "suture_patch=" + bothKernels,
                "-e", "suture_hosts=canary");
        assertThat(install.exit()).as(install.output()).isZero();
        JsonNode installed = Json.MAPPER.readTree(work.resolve("install/report.json").toFile()).path("machines");
        assertThat(installed.get(0).path("outcome").asText()).isEqualTo("installed");
        assertThat(enabled(VMS.get(0))).isTrue();
        assertThat(VMS.get(0).channel().run("ls /var/lib/suture/installed").output()).contains(PATCH);
        assertThat(suture("uninstall", "--target", "vm:" + VMS.get(0).state().name(), PATCH).exit()).isZero();
    }

    @Test
    void aBlockerThatNeverLeavesRollsItsMachineBackAndHaltsTheRolloutBeforeLaterWaves() throws Exception {
        TestVm web2 = VMS.get(1);
        web2.channel().run("echo hold-kthread > /proc/suture_fixture_ctl");
        Thread.sleep(500);
        Path results = work.resolve("halted");
        mark(VMS.get(2));
        Run rollout = playbook(results, "-e", "suture_patch=" + bothKernels, "-e", "suture_timeout=20",
                "-e", "suture_signal_after=60");
        assertThat(rollout.exit()).as(rollout.output()).isNotZero();
        JsonNode report = Json.MAPPER.readTree(results.resolve("report.json").toFile());
        assertThat(report.path("halted").asBoolean()).isTrue();
        assertThat(report.path("haltedBy").get(0).asText()).isEqualTo("web2");
        JsonNode rows = report.path("machines");
        assertThat(rows.get(0).path("outcome").asText()).isEqualTo("applied");
        assertThat(rows.get(1).path("outcome").asText()).isEqualTo("rolled-back");
        assertThat(rows.get(1).path("blockers").get(0).path("comm").asText()).isEqualTo("suture_fixture");
        assertThat(rows.get(1).path("blockers").get(0).path("function").asText()).isEqualTo("fixture_kthread_wait");
        assertThat(rows.get(2).path("outcome").asText()).isEqualTo("not-reached");
        assertThat(rows.get(2).path("reason").asText()).contains("halted after web2");
        assertThat(Files.readString(results.resolve("report.md"))).contains("**Halted**: web2")
                .contains("blocked by suture_fixture");
        assertThat(enabled(VMS.get(0))).isTrue();
        assertThat(web2.channel().run("ls /sys/kernel/livepatch; grep -c " + PATCH + " /proc/modules").output())
                .as("rolled back and unloaded").isEqualTo("0\n");
        assertUntouched(VMS.get(2));
    }

    @Test
    void aMachineWithoutAModuleForItsKernelIsReportedAndLeftAlone() throws Exception {
        Path results = work.resolve("no-module");
        mark(VMS.get(2));
        Run rollout = playbook(results, "-e", "suture_patch=" + newerOnly);
        assertThat(rollout.exit()).as(rollout.output()).isZero();
        JsonNode rows = Json.MAPPER.readTree(results.resolve("report.json").toFile()).path("machines");
        assertThat(rows.get(0).path("outcome").asText()).isEqualTo("applied");
        assertThat(rows.get(1).path("outcome").asText()).isEqualTo("applied");
        assertThat(rows.get(2).path("outcome").asText()).isEqualTo("no-module");
        assertThat(rows.get(2).path("release").asText()).isEqualTo(OLDER);
        assertThat(rows.get(2).path("reason").asText()).contains("has no module for it");
        assertUntouched(VMS.get(2));

        Run protectedFleet = suture("status", "--inventory", inventory.toString(), "--cve", CVE, "--json");
        assertThat(protectedFleet.exit()).as("web3 is not protected: 1, as status says of one machine").isEqualTo(1);
        JsonNode entries = Json.MAPPER.readTree(protectedFleet.stdout());
        for (int i = 0; i < 3; i++) {
            assertThat(entries.get(i).path("protectedFrom").toString()).isEqualTo(i < 2 ? "[\"" + CVE + "\"]" : "[]");
        }
        assertThat(entries.get(2).path("verdict").path("state").asText()).isEqualTo("MISSING");
    }

    /** A mark in the guest's time: what Suture changes on a machine (its lock, its store) is newer than it. */
    private static void mark(TestVm vm) throws Exception {
        vm.channel().run("touch /tmp/fleet-mark; sleep 1");
    }

    private static void assertUntouched(TestVm vm) throws Exception {
        // The VM agent that runs these checks keeps its own files in /run/suture: only Suture's lock, watcher and
        // records there count.
        assertThat(vm.channel().run("ls /sys/kernel/livepatch; grep -c " + PATCH + " /proc/modules; find /var/lib/suture "
                + "-newer /tmp/fleet-mark 2>/dev/null; find /run/suture -newer /tmp/fleet-mark \\( -name lock -o -name "
                + "'watch.*' -o -name 'mixed.*' \\) 2>/dev/null").output())
                .as("no patch, no module, nothing staged or stored, no watcher since the rollout began").isEqualTo("0\n");
    }

    private static boolean enabled(TestVm vm) throws IOException {
        return vm.channel().run("cat /sys/kernel/livepatch/" + PATCH + "/enabled 2>/dev/null").output().strip().equals("1");
    }

    private static void place(Path dir, String release, Path ko) throws IOException {
        Files.copy(ko, Files.createDirectories(dir.resolve(release)).resolve(PATCH + ".ko"));
    }

    private record Run(int exit, String stdout, String output) {
    }

    /** The rollout playbook in waves of one machine, a 2 s soak, results under {@code results}. */
    private static Run playbook(Path results, String... extra) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ansible-playbook", "-i", inventory.toString(), "suture.livepatch.rollout",
                "-e", "{\"suture_waves\": [1, 1, 1]}", "-e", "suture_soak_seconds=2",
                "-e", "suture_command=" + REPO.resolve("bin/suture"), "-e", "suture_results_dir=" + results));
        argv.addAll(List.of(extra));
        return run(argv, 900);
    }

    private static Run suture(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(REPO.resolve("bin/suture").toString()));
        argv.addAll(List.of(args));
        return run(argv, 300);
    }

    private static Run run(List<String> argv, long limitSeconds) throws Exception {
        Path out = Files.createTempFile(work, "run", ".out");
        Path err = Files.createTempFile(work, "run", ".err");
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("ANSIBLE_COLLECTIONS_PATH", REPO.resolve("ansible").toString());
        pb.environment().put("ANSIBLE_NOCOLOR", "1");
        pb.environment().put("ANSIBLE_LOCAL_TEMP", work.resolve("ansible-tmp").toString());
        Process p = pb.start();
        if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", argv) + " did not finish within " + limitSeconds + " s:\n"
                    + Files.readString(out) + Files.readString(err));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String output = stdout + Files.readString(err, StandardCharsets.UTF_8);
        System.err.println(output);
        return new Run(p.exitValue(), stdout, output);
    }
}
