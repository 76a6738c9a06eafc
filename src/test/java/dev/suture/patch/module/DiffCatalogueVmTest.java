package dev.suture.patch.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.manifest.ManifestReader;
import dev.suture.patch.diff.ObjectDiff;
import dev.suture.patch.source.FixSource;
import dev.suture.channel.Channel;
import dev.suture.machine.PatchApplier;
import dev.suture.channel.AgentChannel;
import dev.suture.vm.KernelProblem;
import dev.suture.vm.TestVm;
import dev.suture.vm.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diff-mode catalogue ({@code bench/catalogue/cases}): every case is built from its diff against the
 * default kernel; a case that must apply is live-patched into one booted VM of that kernel, its check passes
 * before, while patched and after the revert, and the kernel reports no problem; a case that must be refused
 * is refused by the named rule; a case with nothing to patch builds no module. Results go to
 * {@code target/catalogue-results.tsv} ({@code bench/catalogue/run.sh} keeps them).
 */
class DiffCatalogueVmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path CASES = Path.of(System.getProperty("suture.repo", ".")).resolve("bench/catalogue/cases");
    private static CachedKernel kernel;
    /** {@code -Dsuture.catalogue.only=REGEX} runs only the cases whose directory names match, e.g. "19-.*". */
    private static final String ONLY = System.getProperty("suture.catalogue.only", ".*");
    private static VmSpec spec;
    private static TestVm vm;
    private static Path work;
    private static final List<String> results = new ArrayList<>();

    /** One case directory, as bench/catalogue/README.md describes it. */
    record Case(Path dir, String name, String expect, String about, List<String> modules) {
        static Case read(Path dir) {
            try {
                Path modules = dir.resolve("modules");
                return new Case(dir, dir.getFileName().toString(), Files.readString(dir.resolve("expect")).strip(),
                        Files.isRegularFile(dir.resolve("about")) ? Files.readString(dir.resolve("about")).strip() : "",
                        Files.isRegularFile(modules) ? Files.readAllLines(modules).stream().map(String::strip)
                                .filter(l -> !l.isEmpty()).toList() : List.of());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        boolean applies() {
            return expect.equals("applies");
        }
    }

    static List<Case> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("fix.diff")) && Files.isRegularFile(d.resolve("expect")))
                    .filter(d -> d.getFileName().toString().matches(ONLY)).sorted().map(Case::read).toList();
        }
    }

    @BeforeAll
    static void boot(@TempDir Path dir) throws Exception {
        work = dir;
        kernel = Kernels.resolve(null, System.err);
        List<VmSpec.GuestFile> files = new ArrayList<>();
        Set<String> modules = new TreeSet<>();
        for (Case c : cases()) {
            modules.addAll(c.modules());
            if (Files.isRegularFile(c.dir().resolve("check.sh"))) {
                files.add(new VmSpec.GuestFile(c.dir().resolve("check.sh"), "/root/cases/" + c.name() + "/check.sh"));
            }
            if (Files.isRegularFile(c.dir().resolve("probe.c"))) {
                Path probe = dir.resolve(c.name() + "-probe");
                Process gcc = new ProcessBuilder("gcc", "-static", "-O2", "-o", probe.toString(), c.dir().resolve("probe.c").toString())
                        .inheritIO().start();
                assertThat(gcc.waitFor()).as("gcc for " + c.name()).isZero();
                files.add(new VmSpec.GuestFile(probe, "/root/cases/" + c.name() + "/probe"));
            }
        }
        spec = VmSpec.of("itest-catalogue", kernel).withFiles(files).withModules(List.copyOf(modules), List.of());
        vm = TestVm.boot(spec, false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
    }

    @AfterAll
    static void stop() throws IOException {
        if (vm != null) {
            vm.stop();
        }
        Path out = Path.of("target/catalogue-results.tsv");
        Files.createDirectories(out.getParent());
        Files.write(out, Stream.concat(Stream.of("case\texpect\toutcome\tbuild_s\tfunctions\tdetail"), results.stream()).toList());
    }

    @TestFactory
    Stream<DynamicTest> everyCaseBehavesAsExpected() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name() + ": " + c.about(), () -> run(c)));
    }

    private void run(Case c) throws Exception {
        Path fix = work.resolve(c.name().replaceAll("[^A-Za-z0-9_]", "_").replaceFirst("^(\\d)", "c$1") + ".diff");
        Files.copy(c.dir().resolve("fix.diff"), fix, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path ko = work.resolve(c.name() + ".ko");
        long start = System.nanoTime();
        BuildOutcome.Built built;
        try {
            BuildOutcome outcome = new PatchBuild(kernel, System.err).build(FixSource.read(fix), ko, false);
            if (outcome instanceof BuildOutcome.Refused refused) {
                String rules = refused.refusals().stream().map(r -> r.rule().id()).distinct().collect(Collectors.joining(","));
                record(c, "refused " + rules, start, "", refused.refusals().getFirst().describe());
                assertThat(refused.refusals().stream().map(r -> "refused " + r.rule().id())).as("refusals").contains(c.expect());
                return;
            }
            if (outcome instanceof BuildOutcome.NothingToPatch none) {
                // A fix that changes no function's code (comments, only moved lines) has nothing to apply.
                String functions = changedAndNew(none.units());
                record(c, "nothing-to-patch", start, functions, none.reason());
                assertThat("nothing-to-patch").as("expected '" + c.expect() + "', but: " + none.reason()).isEqualTo(c.expect());
                Path expectedFunctions = c.dir().resolve("functions");
                if (Files.isRegularFile(expectedFunctions)) {
                    assertThat(functions).as("changed and new functions").isEqualTo(Files.readAllLines(expectedFunctions).stream()
                            .map(String::strip).filter(l -> !l.isEmpty()).sorted().collect(Collectors.joining(", ")));
                }
                return;
            }
            built = outcome.orThrow();
        } catch (RuntimeException e) {
            record(c, "failed", start, "", String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            throw e;
        }
        String functions = changedAndNew(built.units());
        if (!c.applies()) {
            record(c, "built", start, functions, "expected: " + c.expect());
            fail("expected '" + c.expect() + "' but the patch was built: " + functions);
        }
        Path expectedFunctions = c.dir().resolve("functions");
        if (Files.isRegularFile(expectedFunctions)) {
            String expected = Files.readAllLines(expectedFunctions).stream().map(String::strip).filter(l -> !l.isEmpty())
                    .sorted().collect(Collectors.joining(", "));
            if (!expected.equals(functions)) {
                record(c, "failed", start, functions, "functions differ from the expected " + expected);
            }
            assertThat(functions).as("changed and new functions").isEqualTo(expected);
        }
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        Channel ch = vm.channel();
        TestVm.Snapshot before = vm.snapshot();
        // Each case's probe is installed as /root/probe, where its check expects it.
        String check = "cd /root/cases/" + c.name() + " && { [ ! -f probe ] || cp probe /root/probe; } && sh check.sh ";
        try {
            assertState(ch, check, "before");
            PatchApplier applier = new PatchApplier(ch, e -> { });
            applier.apply(ko, ManifestReader.read(ko), TIMEOUT);
            try {
                assertState(ch, check, "patched");
            } finally {
                applier.revert(built.manifest().name(), TIMEOUT);
            }
            assertState(ch, check, "reverted");
            List<String> problems = vm.problemsSince(before).stream().map(KernelProblem::describe).toList();
            assertThat(problems).as("kernel problems").isEmpty();
        } catch (AssertionError | RuntimeException | IOException e) {
            results.add(String.join("\t", c.name(), c.expect(), "failed", String.format("%.1f", buildSeconds), functions,
                    String.valueOf(e.getMessage()).replace('\t', ' ').replace('\n', ' ')));
            if (e instanceof AgentChannel.AgentTimeoutException || e instanceof AgentChannel.VmGoneException) {
                // A hung or dead guest must not fail the cases after this one: report what its console said, and
                // give the next case a freshly booted VM.
                String console = vm.consoleTail(40);
                vm.stop();
                vm = TestVm.boot(spec, false, true, TestVm.DEFAULT_BOOT_TIMEOUT, System.err);
                throw new AssertionError(e.getMessage() + "; the VM's last console lines:\n" + console, e);
            }
            throw e;
        }
        results.add(String.join("\t", c.name(), c.expect(), "applied", String.format("%.1f", buildSeconds), functions, ""));
    }

    /** The functions the object diff found changed or new, as a case's {@code functions} file lists them. */
    private static String changedAndNew(List<UnitResult> units) {
        return units.stream().flatMap(u -> u.decisions().stream())
                .filter(d -> d.function() && (d.change() == ObjectDiff.Change.CHANGED || d.change() == ObjectDiff.Change.NEW))
                .map(d -> d.change().name().toLowerCase() + " " + d.name()).sorted().collect(Collectors.joining(", "));
    }

    private static void assertState(Channel ch, String check, String state) throws IOException {
        Channel.CommandResult r = ch.run(check + state, TIMEOUT);
        assertThat(r.exitCode()).as("check.sh " + state + ": " + r.output()).isZero();
    }

    private static void record(Case c, String outcome, long start, String functions, String detail) {
        results.add(String.join("\t", c.name(), c.expect(), outcome, String.format("%.1f", (System.nanoTime() - start) / 1e9),
                functions, detail.replace('\t', ' ').replace('\n', ' ')));
    }
}
