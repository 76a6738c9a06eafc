package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.manifest.ManifestReader;
import dev.suture.manifest.PatchManifest;
import dev.suture.channel.Channel;
import dev.suture.machine.Edition;
import dev.suture.machine.EditionStore;
import dev.suture.machine.PatchApplier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code suture switch}: make one edition the current one. */
@Command(name = "switch", mixinStandardHelpOptions = true,
        description = {"Make EDITION the current edition: a cumulative edition (built with --cumulative) replaces",
                "every other patch in one transition; one already loaded becomes current by reverting those above it.",
                "EDITION is a built .ko or the name of an edition the machine has seen (see 'suture list --all')."})
final class SwitchCommand implements Callable<Integer> {
    @Mixin
    MachineOption machine;

    @Mixin
    TransitionOptions transition;

    @Mixin
    AllowMixedOption mixing;

    @Option(names = "--count-calls", description = {"Once an edition this switch applies is applied, count how often",
            "each replaced function's new code runs (see status --calls); an edition already loaded keeps its counters."})
    boolean countCalls;

    @Parameters(paramLabel = "EDITION", description = "A .ko file or a stored edition's name.")
    String edition;

    @Override
    public Integer call() throws Exception {
        transition.policy();
        Channel channel = transition.bound(machine.channel());
        try (var lock = transition.lock(channel, "switch " + edition)) {
            switchTo(channel);
        }
        return 0;
    }

    /** Runs with the machine's lock held: the stack it reads stays as read. */
    private void switchTo(Channel channel) throws java.io.IOException {
        PatchApplier applier = new PatchApplier(channel, transition.events(), transition.deadline());
        List<Edition> editions = new EditionStore(channel).list();
        Path file = Path.of(edition);
        boolean isFile = edition.endsWith(".ko") || Files.isRegularFile(file);
        PatchManifest manifest = isFile ? ManifestReader.read(file) : editions.stream()
                .filter(e -> e.name().equals(edition) && e.manifest() != null).map(Edition::manifest).findFirst()
                .orElseThrow(() -> new SutureException("no edition named " + edition + " on " + channel.describe(),
                        "see 'suture list --all', or give the edition's .ko file"));
        List<Edition> loaded = editions.stream().filter(Edition::loaded).toList();
        var current = loaded.stream().filter(e -> e.name().equals(manifest.name())).findFirst();
        if (current.isPresent()) {
            // Already in the stack: whatever sits above it goes, newest first.
            for (Edition above : loaded.reversed()) {
                if (above.position() <= current.get().position()) {
                    break;
                }
                applier.revert(above.name(), transition.policy());
            }
        } else {
            if (!manifest.cumulative() && !loaded.isEmpty()) {
                throw new SutureException(manifest.name() + " is not cumulative: it would stack on the "
                        + loaded.size() + " loaded edition(s) instead of replacing them",
                        "build the edition with 'suture build --cumulative', or use 'suture apply' to stack it");
            }
            if (isFile) {
                applier.apply(file, manifest, mixing.applyTo(transition.policy()).withCountCalls(countCalls));
            } else {
                applier.applyStored(manifest.name(), mixing.applyTo(transition.policy()).withCountCalls(countCalls));
            }
        }
        System.err.println(manifest.name() + " is the current edition on " + channel.describe());
    }
}
