package dev.suture.machine;

import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;

import dev.suture.Json;
import dev.suture.manifest.PatchManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The editions a machine has seen, kept on the machine itself in {@code /var/lib/suture/editions}: each patch
 * module with a record of its manifest and when it was last applied. The kernel's livepatch sysfs says what is
 * loaded; this store says what each patch is, in which order they were applied, and keeps reverted editions
 * so they can be switched to again.
 */
public final class EditionStore {
    public static final String DIR = "/var/lib/suture/editions";
    private final Channel channel;

    public EditionStore(Channel channel) {
        this.channel = channel;
    }

    /** The record kept beside each module. */
    public record Record(PatchManifest manifest, Instant appliedAt) {
    }

    public static String modulePath(String name) {
        return DIR + "/" + name + ".ko";
    }

    /**
     * Copies a module to a name in the store no other command writes ({@code .NAME.TOKEN.staged}), so what is
     * loaded from there is exactly this file even if another command stages a module of the same name meanwhile.
     */
    String stage(Path ko, String name) throws IOException {
        String staged = DIR + "/." + name + "." + Staging.token() + ".staged";
        channel.copyIn(ko, staged);
        return staged;
    }

    /** Moves a staged module into the store under its name (rename: atomic) and records it as applied now. */
    void keep(String staged, PatchManifest manifest) throws IOException {
        Staging.moveIntoPlace(channel, staged, modulePath(manifest.name()));
        touch(manifest);
    }

    /** Removes a staged module that was not kept; nothing when it was. */
    void discard(String staged) throws IOException {
        channel.run("rm -f " + ShellQuote.quote(staged));
    }

    /** Records that a stored edition is applied again now. */
    public void touch(PatchManifest manifest) throws IOException {
        channel.writeFile(DIR + "/" + manifest.name() + ".json",
                Json.write(new Record(manifest, Instant.now())).getBytes(StandardCharsets.UTF_8), 0644);
    }

    public Optional<Record> find(String name) throws IOException {
        Channel.CommandResult r = channel.run("cat " + DIR + "/" + ShellQuote.quote(name + ".json") + " 2>/dev/null");
        if (!r.ok() || r.output().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Json.MAPPER.readValue(r.output(), Record.class));
    }

    /** Every edition, loaded ones in stack order (by when they were applied), then stored ones. */
    public List<Edition> list() throws IOException {
        Map<String, Record> records = new LinkedHashMap<>();
        String dump = channel.run("for f in " + DIR + "/*.json; do [ -f \"$f\" ] && cat \"$f\" && echo; done; exit 0").output();
        for (String doc : dump.split("\n(?=\\{)")) {
            if (!doc.isBlank()) {
                Record r = Json.MAPPER.readValue(doc, Record.class);
                records.put(r.manifest().name(), r);
            }
        }
        LivepatchState state = LivepatchState.read(channel);
        List<LivepatchState.Patch> loaded = new ArrayList<>(state.patches());
        loaded.sort(Comparator.comparing((LivepatchState.Patch p) -> records.containsKey(p.name())
                ? records.get(p.name()).appliedAt() : Instant.EPOCH));
        List<Edition> editions = new ArrayList<>();
        int position = 0;
        for (LivepatchState.Patch p : loaded) {
            Record r = records.remove(p.name());
            String s = p.inTransition() ? "in transition" : p.enabled() ? "enabled" : "disabled";
            editions.add(new Edition(p.name(), s, ++position, r == null ? null : r.appliedAt(), r == null ? null : r.manifest()));
        }
        records.values().stream().sorted(Comparator.comparing(Record::appliedAt))
                .forEach(r -> editions.add(new Edition(r.manifest().name(), Edition.STORED, 0, r.appliedAt(), r.manifest())));
        return editions;
    }
}
