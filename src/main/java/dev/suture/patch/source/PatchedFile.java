package dev.suture.patch.source;

import java.nio.charset.Charset;

/**
 * One file as the diff leaves it, in memory. {@code original} is null for an added file and {@code patched}
 * null for a deleted one. {@code charset} is what the tree's copy was read with: write the patched text with it
 * and every byte the diff did not change stays as it was.
 */
public record PatchedFile(String path, String original, String patched, LineMap lines, Charset charset) {
}
