package dev.suture.patch.source;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A source diff applied to a tree, in memory: the tree at {@code root} itself is left as it was. */
public record PatchedTree(Path root, List<PatchedFile> files) {
    public PatchedTree {
        files = List.copyOf(files);
    }

    /** The patched file at a path relative to the root, if the diff touches it. */
    public Optional<PatchedFile> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }
}
