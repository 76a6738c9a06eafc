package dev.suture.patch;

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
 */
public record PatchManifest(int format, String name, String release, String buildId, String source,
                            String sourceSha256, Instant builtAt, boolean cumulative,
                            List<Function> functions) {
    public static final int FORMAT = 1;
    public static final String SECTION = ".suture.manifest";

    /** One replaced function: object, kernel name, livepatch position, and the replacement's name. */
    public record Function(String object, String name, int position, String replacement) {
    }
}
