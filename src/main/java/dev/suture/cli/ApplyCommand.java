package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.manifest.PatchManifest;
import dev.suture.machine.PatchApplier;
import dev.suture.machine.TransitionPolicy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture apply}: load a patch module on a machine and see its transition through. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Apply a patch module: refuse it unless the machine runs the exact kernel build it was made for,",
                "load it, wait for every task to switch to the new code, roll back if that does not happen in time."})
final class ApplyCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Mixin
    TransitionOptions transition;

    @Mixin
    AllowMixedOption mixing;

    @Option(names = "--count-calls", description = {"Once applied, count how often each replaced function's new code",
            "runs (the kernel's kprobe events and hist triggers; see status --calls); removed with the patch."})
    boolean countCalls;

    @Mixin
    ResultOption result;

    @Parameters(paramLabel = "PATCH.ko|DIR", description = {"The module 'suture build' made, or the directory a build",
            "for several kernels made (the module for the kernel the machine runs is picked)."})
    Path given;

    @Override
    public Integer call() throws Exception {
        TransitionPolicy policy = mixing.applyTo(transition.policy()).withCountCalls(countCalls);
        ResultOption.Recorder recorder = result.start("apply", machine.machine);
        try {
            var channel = transition.bound(machine.channel());
            ModuleChoice.Chosen chosen = recorder.choose(given, channel);
            Path module = chosen.module();
            PatchManifest manifest = chosen.manifest();
            try (var lock = transition.lock(channel, "apply " + manifest.name())) {
                new PatchApplier(channel, recorder.events(transition.events()), transition.deadline())
                        .apply(module, manifest, policy);
            }
            recorder.succeeded(dev.suture.fleet.Outcome.APPLIED);
            if (countCalls) {
                System.err.println(manifest.name() + ": its calls are counted from now on; see "
                        + dev.suture.machine.Remedy.suture(channel, "status", "--calls"));
            }
            if (!transition.json) {
                System.out.println(manifest.name());
            }
        } catch (SutureException e) {
            throw recorder.failed(e);
        }
        return 0;
    }
}
