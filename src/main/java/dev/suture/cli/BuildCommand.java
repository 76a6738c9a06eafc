package dev.suture.cli;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.build.ModuleSigner;
import dev.suture.machine.PatchApplier;
import dev.suture.manifest.Fixes;
import dev.suture.machine.RunningKernel;
import dev.suture.patch.module.BuildOutcome;
import dev.suture.patch.module.PatchBuild;
import dev.suture.patch.source.FixSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture build}: a fix into a livepatch module for one exact kernel. */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Build a livepatch module for one exact target kernel from a fix: a function file",
                "(replacement functions in C with SUTURE_REPLACE annotations; see suture.h) or a unified diff",
                "against the kernel's source (.diff or .patch, git format-patch mail too)."})
final class BuildCommand implements Callable<Integer> {
    @Option(names = {"-k", "--kernel"}, paramLabel = "RELEASE",
            description = {"Target kernel release (default: the newest cloud-amd64; fetched if not cached).",
                    "Repeatable: one module per kernel into the directory -o names (DIR/RELEASE/NAME.ko)."})
    List<String> kernels = new ArrayList<>();

    @Option(names = "--kernels-of", paramLabel = "MACHINE",
            description = "Also build for the kernel each machine runs (local, vm:NAME, ...). Repeatable.")
    List<String> kernelsOf = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.ko|DIR",
            description = "Where to write the module (default: NAME.ko here); a directory when building for several kernels.")
    Path output;

    @Option(names = "--cumulative", description = "Make an atomic-replace patch that replaces every earlier one.")
    boolean cumulative;

    @Option(names = "--with-module", paramLabel = "PATH.ko",
            description = "An out-of-tree module the fix patches (SUTURE_REPLACE_IN its name). Repeatable.")
    List<Path> withModules = new ArrayList<>();

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--explain", description = "Diff mode: print the decision for every function and object of the touched units.")
    boolean explain;

    @Option(names = "--sign-key", paramLabel = "KEY.pem",
            description = "Sign the module with this private key (kbuild's sign-file), for machines that enforce signatures.")
    Path signKey;

    @Option(names = "--sign-cert", paramLabel = "CERT", description = "The X.509 certificate of --sign-key (PEM or DER).")
    Path signCert;

    @Option(names = "--check-on", paramLabel = "MACHINE",
            description = {"After building, check the module against a running machine (local, vm:NAME, ssh:...)",
                    "without loading it: its kernel, run-pre, the tasks that would block the transition, and",
                    "threads that never leave a replaced function (never-quiescent)."})
    String checkOn;

    @Option(names = "--title", paramLabel = "TEXT",
            description = "What the fix is, for list, status and a fleet's reports (default: a git format-patch mail's subject).")
    String title;

    @Option(names = "--cve", paramLabel = "CVE-ID",
            description = {"A CVE the fix fixes, added to those its text names (status --cve asks for it). Repeatable."})
    List<String> cves = new ArrayList<>();

    @Option(names = "--keep-build", description = "Keep the build's work directory (for debugging); it is removed otherwise.")
    boolean keepBuild;

    @Parameters(paramLabel = "FIX", description = "The function file (.c) or source diff (.diff, .patch).")
    Path fix;

    @Override
    public Integer call() throws Exception {
        try {
            return build();
        } catch (SutureException e) {
            if (!json) {
                throw e;
            }
            // --json: every outcome is one document on stdout, an error too; the CLI still reports it on stderr.
            System.out.println(Json.write(new BuildReport.Failure("error", e.getMessage(), e.fix())));
            throw e;
        }
    }

    /** The signer both --sign-key and --sign-cert name, or none; one without the other is a mistake. */
    private java.util.Optional<ModuleSigner> signer() {
        if ((signKey == null) != (signCert == null)) {
            throw new SutureException("--sign-key and --sign-cert go together",
                    "give both: --sign-key KEY.pem --sign-cert CERT.pem");
        }
        return signKey == null ? java.util.Optional.empty() : java.util.Optional.of(new ModuleSigner(signKey, signCert));
    }

    /** What the user says the fix fixes; refused before anything is fetched or compiled when it cannot be kept. */
    private Fixes givenFixes() {
        if (title != null && title.chars().anyMatch(c -> Character.isISOControl(c) && !Character.isWhitespace(c))) {
            throw new SutureException("--title holds control characters, which list and status would print as they are",
                    "give the title as plain text: --title 'what the fix does'");
        }
        return new Fixes(title, cves.stream().map(c -> Fixes.requireCve(c, "--cve")).toList());
    }

    /** The release the machine named as {@code --target} would name it runs, asked on the machine itself. */
    private static String runningRelease(String spec) throws java.io.IOException {
        MachineOption machine = new MachineOption();
        machine.machine = spec;
        String release = RunningKernel.read(machine.channel()).release();
        System.err.printf("%s runs %s%n", spec, release);
        return release;
    }

    private int build() throws Exception {
        long start = System.nanoTime();
        FixSource source = FixSource.read(fix).requireKnownKind();
        Fixes given = givenFixes();
        List<String> releases = new ArrayList<>(kernels);
        for (String spec : kernelsOf) {
            releases.add(runningRelease(spec));
        }
        if (checkOn != null && (releases.size() > 1 || !kernelsOf.isEmpty())) {
            throw new SutureException("--check-on checks one module against one machine",
                    "build for that machine's kernel alone: suture build " + fix + " --check-on " + checkOn);
        }
        if (checkOn != null && releases.isEmpty()) {
            releases.add(runningRelease(checkOn));  // the machine's own kernel, unless --kernel says otherwise
        }
        if (releases.size() > 1 || !kernelsOf.isEmpty()) {
            if (output == null) {
                throw new SutureException("building for several kernels needs a directory for the modules",
                        "add -o DIR (each module goes to DIR/RELEASE/" + PatchBuild.moduleName(fix) + ".ko)");
            }
            return new MultiBuild(source, withModules, cumulative, keepBuild, signer(), given).run(releases, output, json);
        }
        String kernel = releases.isEmpty() ? null : releases.getFirst();
        CachedKernel targetKernel = Kernels.resolve(kernel, TerminalProgress.to(System.err));
        Path out = output != null ? output : Path.of(PatchBuild.moduleName(fix) + ".ko");
        PatchBuild build = new PatchBuild(targetKernel, System.err, TerminalProgress.to(System.err)).keepWorkFiles(keepBuild)
                .fixing(given);
        withModules.forEach(build::withModuleFile);
        signer().ifPresent(build::signWith);
        BuildOutcome outcome = build.build(source, out, cumulative);
        int status = new BuildReport(source, targetKernel, json, explain).print(outcome, (System.nanoTime() - start) / 1e9);
        if (status == 0 && checkOn != null && outcome instanceof BuildOutcome.Built built) {
            checkOn(built);
        }
        return status;
    }

    /** What apply would find on the machine before loading, asked now; nothing is loaded or changed there. */
    private void checkOn(BuildOutcome.Built built) throws java.io.IOException {
        MachineOption machine = new MachineOption();
        machine.machine = checkOn;
        var channel = machine.channel();
        try {
            new PatchApplier(channel, PatchApplier.lines(System.err::println)).preflight(built.manifest(), built.module());
        } catch (SutureException e) {
            throw new SutureException("built " + built.module() + ", but apply on " + channel.describe() + " would refuse it: "
                    + e.getMessage(), e.fix(), e.exitCode(), e);
        }
        System.err.println("checked on " + channel.describe() + ": apply would load it");
    }
}
