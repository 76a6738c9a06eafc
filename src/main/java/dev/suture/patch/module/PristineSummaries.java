package dev.suture.patch.module;

import dev.suture.kernel.build.SourceTree;
import dev.suture.kernel.build.UnitCompiler;
import dev.suture.patch.source.PreprocessedChange;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pristine units' preprocessed texts, summarized ({@link PreprocessedChange.Summary}) and kept next to the
 * prepared tree like its pristine objects: the pristine source never changes, so each unit is preprocessed once
 * per kernel however many header fixes reach it. A unit the pristine tree cannot preprocess (this config never
 * builds it) is kept as such. Each file is written under a unique name and renamed into place, so builds running
 * at the same time never read half a summary.
 */
final class PristineSummaries {
    /** Versioned by how chunks are hashed and which count as dead: an older summary is made again, not compared wrongly. */
    private static final String SUMMARY = ".summary-6";
    private static final String UNBUILDABLE = ".unbuildable";

    private final SourceTree tree;
    private final Path cache;

    PristineSummaries(SourceTree tree) {
        this.tree = tree;
        this.cache = tree.build().resolveSibling("pristine-preprocessed");
    }

    /** Each unit's summary, empty for a unit that does not preprocess; the missing ones made in {@code dir} first. */
    Map<String, Optional<PreprocessedChange.Summary>> summaries(List<String> units, Path dir) {
        try {
            List<String> missing = new ArrayList<>();
            for (String unit : units) {
                if (!Files.exists(cache.resolve(unit + SUMMARY)) && !Files.exists(cache.resolve(unit + UNBUILDABLE))) {
                    missing.add(unit);
                }
            }
            if (!missing.isEmpty()) {
                Map<String, Path> texts = new UnitCompiler(tree, UnitCompiler.ORIGINAL)
                        .preprocess(missing, Map.of(), dir.resolve("preprocessed-" + UnitCompiler.ORIGINAL));
                // on every core: summarizing megabytes of text costs as much as preprocessing it
                missing.parallelStream().forEach(unit -> keep(unit, texts.get(unit)));
            }
            Map<String, Optional<PreprocessedChange.Summary>> out = new LinkedHashMap<>();
            for (String unit : units) {
                Path file = cache.resolve(unit + SUMMARY);
                if (!Files.exists(file)) {
                    out.put(unit, Optional.empty());
                    continue;
                }
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                    out.put(unit, Optional.of(PreprocessedChange.Summary.read(in)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps a unit's summary made from its preprocessed text (then deleted), or that it has none. */
    private void keep(String unit, Path text) {
        try {
            if (text == null) {
                store(unit + UNBUILDABLE, out -> { });
            } else {
                PreprocessedChange.Summary summary =
                        PreprocessedChange.Summary.of(Files.readString(text, StandardCharsets.ISO_8859_1));
                store(unit + SUMMARY, summary::write);
                Files.delete(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private void store(String name, Writer writer) throws IOException {
        Path target = cache.resolve(name);
        Files.createDirectories(target.getParent());
        Path staged = Files.createTempFile(target.getParent(), ".staged-", ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(staged)))) {
            writer.write(out);
        }
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
