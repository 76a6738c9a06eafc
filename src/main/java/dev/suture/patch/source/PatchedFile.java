package dev.suture.patch.source;

/**
 * One file as the diff leaves it, in memory. {@code original} is null for an added file and {@code patched}
 * null for a deleted one. The tree's copy is read as {@link dev.suture.kernel.build.SourceText} decodes it, and
 * the compiler writes the patched text back the same way, so every byte the diff did not change stays as it was.
 */
public record PatchedFile(String path, String original, String patched, LineMap lines) {
}
