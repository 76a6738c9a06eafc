package dev.suture.machine;

import dev.suture.manifest.PatchManifest;
import java.time.Instant;

/**
 * One patch module on a machine: what it is (its manifest, kept in the machine's edition store) and where it
 * stands in the kernel right now.
 *
 * @param state      {@code enabled}, {@code in transition}, {@code disabled}, or {@code stored} (not loaded;
 *                   kept so {@code suture switch} can bring it back)
 * @param position   1 for the bottom of the kernel's patch stack, upwards; 0 when not loaded
 */
public record Edition(String name, String state, int position, Instant appliedAt, PatchManifest manifest) {
    public static final String STORED = "stored";

    public boolean loaded() {
        return position > 0;
    }
}
