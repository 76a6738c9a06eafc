package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.manifest.PatchManifest;
import dev.suture.channel.Channel;
import dev.suture.machine.Installer;
import dev.suture.machine.LivepatchState;
import dev.suture.machine.PatchApplier;
import dev.suture.machine.TransitionPolicy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture install}: keep an edition on a machine so it is applied at every boot. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Install an edition so it is applied again at boot (systemd unit on hosts, init hook in test VMs);",
                "applies it now too unless --no-apply. Editions load only on the kernel build they were made for."})
final class InstallCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Mixin
    TransitionOptions transition;

    @Option(names = "--no-apply", description = "Only install for future boots; do not apply now.")
    boolean noApply;

    @Mixin
    ResultOption result;

    @Parameters(paramLabel = "PATCH.ko|DIR", description = {"The module 'suture build' made, or the directory a build",
            "for several kernels made (the module for the kernel the machine runs is picked)."})
    Path given;

    @Override
    public Integer call() throws Exception {
        TransitionPolicy policy = transition.policy();
        ResultOption.Recorder recorder = result.start("install", machine.machine);
        try {
            Channel channel = transition.bound(machine.channel());
            ModuleChoice.Chosen chosen = recorder.choose(given, channel);
            Path module = chosen.module();
            PatchManifest manifest = chosen.manifest();
            try (var lock = transition.lock(channel, "install " + manifest.name())) {
                PatchApplier applier = new PatchApplier(channel, recorder.events(transition.events()), transition.deadline());
                if (!noApply && LivepatchState.read(channel).patch(manifest.name()).isEmpty()) {
                    applier.apply(module, manifest, policy);
                } else {
                    applier.preflight(manifest, module);
                }
                new Installer(channel).install(module, manifest);
            }
            recorder.succeeded(dev.suture.fleet.Outcome.INSTALLED);
            System.err.println(manifest.name() + " is installed on " + channel.describe() + ": it is applied again at boot");
        } catch (SutureException e) {
            throw recorder.failed(e);
        }
        return 0;
    }
}
