package dev.suture.machine;

import dev.suture.channel.Channel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's livepatch state as {@code /sys/kernel/livepatch} shows it: every patch with its enabled and
 * transition flags, and per object whether it is patched and which functions it replaces.
 * Read in one command, so a slow channel costs one round trip.
 */
public record LivepatchState(boolean supported, List<Patch> patches) {
    public static final String ROOT = "/sys/kernel/livepatch";

    /** One loaded livepatch. */
    public record Patch(String name, boolean enabled, boolean inTransition, List<PatchedObject> objects) {
    }

    /** One object (vmlinux or a module) of a patch; {@code patched} is false for a module not loaded yet. */
    public record PatchedObject(String name, boolean patched, List<PatchedFunction> functions) {
    }

    /** One replaced function: its name and livepatch's position among namesakes (0 when unique). */
    public record PatchedFunction(String name, int position) {
        /** From its sysfs directory name, {@code NAME,POSITION}. */
        static PatchedFunction parse(String sysfsName) {
            int comma = sysfsName.lastIndexOf(',');
            if (comma < 0 || !sysfsName.substring(comma + 1).matches("\\d{1,9}")) {
                return new PatchedFunction(sysfsName, 0);
            }
            return new PatchedFunction(sysfsName.substring(0, comma), Integer.parseInt(sysfsName.substring(comma + 1)));
        }

        /** As sysfs names it: {@code NAME,POSITION}. */
        public String sysfsName() {
            return name + "," + position;
        }
    }

    private static final String DUMP = """
            [ -d %1$s ] || { echo unsupported; exit 0; }
            for p in %1$s/*; do
              [ -d "$p" ] || continue
              # a patch being removed can vanish between the listing and the reads: then it is not listed
              e=$(cat "$p/enabled" 2>/dev/null) && t=$(cat "$p/transition" 2>/dev/null) || continue
              echo "patch ${p##*/} $e $t"
              for o in "$p"/*; do
                [ -d "$o" ] || continue
                echo "object ${o##*/} $(cat "$o/patched" 2>/dev/null || echo 0)"
                for f in "$o"/*; do [ -d "$f" ] && echo "function ${f##*/}"; done
              done
            done
            exit 0
            """.formatted(ROOT);

    public static LivepatchState read(Channel channel) throws IOException {
        Channel.CommandResult result = channel.run(DUMP);
        if (!result.ok()) {
            throw new IOException("cannot read " + ROOT + " on " + channel.describe() + ": " + result.output().strip());
        }
        return parse(result.output());
    }

    static LivepatchState parse(String dump) {
        if (dump.strip().equals("unsupported")) {
            return new LivepatchState(false, List.of());
        }
        // Lines come nested: "patch NAME ENABLED TRANSITION", its "object NAME PATCHED", their "function F". A
        // line cut short (sysfs changing while it is read) is left out with what it would hold.
        List<Patch> patches = new ArrayList<>();
        Patch patch = null;
        PatchedObject object = null;
        for (String line : dump.lines().toList()) {
            String[] f = line.strip().split(" ");
            switch (f[0]) {
                case "patch" -> {
                    patch = f.length == 4 ? new Patch(f[1], "1".equals(f[2]), "1".equals(f[3]), new ArrayList<>()) : null;
                    object = null;
                    if (patch != null) {
                        patches.add(patch);
                    }
                }
                case "object" -> {
                    object = patch != null && f.length == 3 ? new PatchedObject(f[1], "1".equals(f[2]), new ArrayList<>()) : null;
                    if (object != null) {
                        patch.objects().add(object);
                    }
                }
                case "function" -> {
                    if (object != null && f.length == 2) {
                        object.functions().add(PatchedFunction.parse(f[1]));
                    }
                }
                default -> {
                }
            }
        }
        return new LivepatchState(true, patches);
    }

    public java.util.Optional<Patch> patch(String name) {
        return patches.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
