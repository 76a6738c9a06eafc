package dev.suture.machine;

import dev.suture.manifest.PatchManifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One kprobe event that counts calls of one replaced function: placed on the replacement in the patch module, in
 * the event group named after the patch.
 *
 * @param event       the event's name in its group: the function's name as far as the kernel's naming rules allow
 * @param function    what status calls it: the function's name, or {@code object:name,position} when the patch
 *                    replaces several functions of that name
 * @param replacement the replacement's symbol in the patch module, where the kprobe goes
 */
record CallCounterProbe(String event, String function, String replacement) {
    /** The kernel refuses longer event names (MAX_EVENT_NAME_LEN is 64 with the terminating zero). */
    static final int MAX_NAME = 63;

    /** The one probe per replaced function of a patch, with names the kernel takes and no two alike. */
    static List<CallCounterProbe> of(PatchManifest manifest) {
        Map<String, Integer> sameName = new HashMap<>();
        manifest.functions().forEach(f -> sameName.merge(f.name(), 1, Integer::sum));
        Set<String> taken = new HashSet<>();
        List<CallCounterProbe> probes = new ArrayList<>();
        for (PatchManifest.Function f : manifest.functions()) {
            String function = sameName.get(f.name()) > 1 ? f.object() + ":" + f.name() + "," + f.position() : f.name();
            probes.add(new CallCounterProbe(unique(eventName(f.name()), taken), function, f.replacement()));
        }
        return probes;
    }

    /**
     * The kernel takes {@code [A-Za-z_][A-Za-z0-9_]*} for an event name: a compiler's suffix such as
     * {@code .isra.0} becomes {@code _isra_0}.
     */
    static String eventName(String function) {
        String name = function.replaceAll("[^A-Za-z0-9_]", "_");
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            name = "_" + name;
        }
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int i = 2; !taken.add(candidate); i++) {
            String suffix = "_" + i;
            candidate = name.substring(0, Math.min(name.length(), MAX_NAME - suffix.length())) + suffix;
        }
        return candidate;
    }
}
