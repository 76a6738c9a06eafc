package dev.suture;

import java.nio.file.Path;

/**
 * Suture's own folder on this host, and what lives in it: {@code $SUTURE_CACHE} (tests), else
 * {@code $XDG_CACHE_HOME/suture}, else {@code ~/.cache/suture}. Every package that keeps files here asks this
 * type for its place, so the layout is written down once.
 */
public final class SutureHome {
    private SutureHome() {
    }

    /** The folder itself. */
    public static Path dir() {
        String explicit = System.getenv("SUTURE_CACHE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("suture");
    }

    /** Work directories of patch builds. */
    public static Path builds() {
        return dir().resolve("builds");
    }

    /** Test VMs: one folder per VM name. */
    public static Path vms() {
        return dir().resolve("vms");
    }

    /** Host-side helpers Suture compiles and copies to machines (the task nudger). */
    public static Path tools() {
        return dir().resolve("tools");
    }
}
