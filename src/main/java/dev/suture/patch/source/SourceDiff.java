package dev.suture.patch.source;

import dev.suture.SutureException;
import dev.suture.kernel.build.SourceText;
import dev.suture.kernel.build.SourceTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fix given as a unified diff of the kernel source: plain {@code diff -u}, {@code git diff}, or a
 * {@code git format-patch} mail, whose subject then names the fix. It is read whole before anything is built,
 * and refused with the line at fault when it cannot be used as given: no hunks, binary files, renames or copies,
 * malformed hunks. Applying it never writes to the tree: the patched files are values in memory.
 */
public record SourceDiff(String name, Optional<String> subject, List<FileDiff> files) {
    public SourceDiff {
        files = List.copyOf(files);
    }

    public static SourceDiff read(Path file) {
        try {
            return parse(SourceText.decode(Files.readAllBytes(file)).text(), String.valueOf(file.getFileName()));
        } catch (IOException e) {
            throw new SutureException("cannot read " + file + ": " + e.getMessage(), "give a readable diff file", e);
        }
    }

    /** Parses diff text; {@code name} is what messages call it (the file name, normally). */
    public static SourceDiff parse(String text, String name) {
        return DiffParser.parse(text, name);
    }

    /** Applies the diff to the source tree at {@code sourceRoot}, which messages then name by its path. */
    public PatchedTree apply(Path sourceRoot) {
        return apply(sourceRoot, "the source tree " + sourceRoot,
                "the diff is not against the source tree " + sourceRoot + "; rebase it onto that tree");
    }

    /** Applies the diff to a target kernel's pristine source. */
    public PatchedTree apply(SourceTree tree) {
        String source = "linux-source " + tree.version();
        return apply(tree.source(), "this kernel's source (" + source + ", " + tree.release() + ")",
                "the diff is not against this kernel's source (" + source + "); rebase it onto " + source);
    }

    private PatchedTree apply(Path root, String tree, String rebase) {
        List<PatchedFile> patched = new ArrayList<>();
        for (FileDiff file : files) {
            patched.add(apply(file, root, tree, rebase));
        }
        return new PatchedTree(root, patched);
    }

    private static PatchedFile apply(FileDiff file, Path root, String tree, String rebase) {
        String path = file.path();
        // a hand-made diff may name a backup copy on one side (foo.c.orig against foo.c); patch the one the tree has
        if (file.kind() == FileDiff.Kind.MODIFIED && !Files.isRegularFile(root.resolve(path))
                && Files.isRegularFile(root.resolve(file.oldPath()))) {
            path = file.oldPath();
        }
        Path source = root.resolve(path);
        if (file.kind() == FileDiff.Kind.ADDED) {
            if (Files.exists(source)) {
                throw new SutureException(path + ": the diff adds this file, but " + tree + " already has it", rebase);
            }
            return FilePatcher.apply(file, path, null, tree, rebase);
        }
        if (!Files.isRegularFile(source)) {
            throw new SutureException(path + ": the diff changes this file, but " + tree + " has no such file",
                    rebase + " (paths are taken relative to the source root, without git's a/ and b/)");
        }
        try {
            return FilePatcher.apply(file, path, SourceText.read(source).text(), tree, rebase);
        } catch (IOException e) {
            throw new SutureException("cannot read " + source + ": " + e.getMessage(),
                    "check that the source tree is readable", e);
        }
    }
}
