package dev.suture.patch.source;

import java.nio.charset.StandardCharsets;

/**
 * A shadow variable a fix declares ({@code SUTURE_SHADOW(name, type)} or {@code SUTURE_SHADOW_ID(name, type,
 * id)}): data of {@code type} attached to kernel objects under {@code id}. Without an explicit id, the id is
 * the 64-bit FNV-1a hash of the name, as suture.h computes it, so every edition naming it shares the data.
 */
public record Shadow(String name, String type, long id, boolean explicitId, int line) {
    /** Longest name suture.h hashes. */
    public static final int MAX_NAME = 64;

    /** The id suture.h derives from a name: 64-bit FNV-1a over its bytes. */
    public static long idOf(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The id as the kernel prints it with {@code %lx}. */
    public String hexId() {
        return Long.toHexString(id);
    }
}
