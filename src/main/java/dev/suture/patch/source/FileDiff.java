package dev.suture.patch.source;

import java.util.List;

/**
 * The part of a diff that changes one file. Paths are relative to the source root, with git's {@code a/} and
 * {@code b/} (or a tree diff's first directory) already taken off; the old path is null for an added file and
 * the new path null for a deleted one.
 */
public record FileDiff(String oldPath, String newPath, Kind kind, List<Hunk> hunks) {
    public enum Kind { MODIFIED, ADDED, DELETED }

    public FileDiff {
        hunks = List.copyOf(hunks);
    }

    /** The file the diff changes: the new path, or the old one for a deleted file. */
    public String path() {
        return kind == Kind.DELETED ? oldPath : newPath;
    }
}
