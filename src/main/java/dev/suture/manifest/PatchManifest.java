package dev.suture.manifest;

import java.time.Instant;
import java.util.List;

/**
 * What a patch module says about itself, embedded in the {@code .ko} (section {@code .suture.manifest}, JSON):
 * the one kernel build it is for and the functions it replaces. Apply reads it before anything is loaded.
 *
 * @param name      the module name, which is also the livepatch name in {@code /sys/kernel/livepatch}
 * @param release   target kernel release
 * @param buildId   GNU build id of the target's vmlinux
 * @param source    the fix it was built from (file name) and the SHA-256 of its text
 * @param fixes     what the fix fixes (title, CVE ids); {@link Fixes#NONE} in manifests of older builds, which
 *                  lack the field: the format stays 1, since a reader that knows the field reads both
 */
public record PatchManifest(int format, String name, String release, String buildId, String source,
                            String sourceSha256, Instant builtAt, boolean cumulative,
                            List<Function> functions, Fixes fixes) {
    public static final int FORMAT = 1;
    public static final String SECTION = ".suture.manifest";

    public PatchManifest {
        fixes = fixes == null ? Fixes.NONE : fixes;
    }

    /** A manifest that says nothing of what it fixes. */
    public PatchManifest(int format, String name, String release, String buildId, String source, String sourceSha256,
                         Instant builtAt, boolean cumulative, List<Function> functions) {
        this(format, name, release, buildId, source, sourceSha256, builtAt, cumulative, functions, Fixes.NONE);
    }

    /**
     * One replaced function: object, kernel name, livepatch position, the replacement's name, and the original
     * code as built ({@code code}, base64) with the {@code [offset, length]} ranges that may differ at run time,
     * for the run-pre check. Code and mask are absent in manifests of older builds.
     */
    public record Function(String object, String name, int position, String replacement, String code,
                           List<int[]> mask) {
        public Function(String object, String name, int position, String replacement) {
            this(object, name, position, replacement, null, null);
        }

        /** The first offset where {@code running} differs from the recorded code outside the mask, or -1. */
        public int firstDifference(byte[] running) {
            byte[] original = java.util.Base64.getDecoder().decode(code);
            boolean[] skip = new boolean[original.length];
            for (int[] m : mask) {
                for (int i = m[0]; i < Math.min(original.length, m[0] + m[1]); i++) {
                    skip[i] = true;
                }
            }
            for (int i = 0; i < original.length; i++) {
                if (!skip[i] && (i >= running.length || running[i] != original[i])) {
                    return i;
                }
            }
            return -1;
        }
    }
}
