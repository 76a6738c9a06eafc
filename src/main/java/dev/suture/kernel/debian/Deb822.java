package dev.suture.kernel.debian;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Debian control-file syntax (deb822), as {@code apt-cache show} prints it: stanzas separated by blank
 * lines, {@code Field: value} lines, continuation lines starting with a space or tab.
 */
final class Deb822 {
    private Deb822() {
    }

    /** One paragraph; field names are case-insensitive, as in Debian policy. */
    public record Stanza(Map<String, String> fields) {
        public Stanza {
            TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            copy.putAll(fields);
            fields = Collections.unmodifiableMap(copy);
        }

        /** The field's value, or null when the stanza has no such field. */
        public String get(String field) {
            return fields.get(field);
        }
    }

    public static List<Stanza> parse(String text) {
        List<Stanza> stanzas = new ArrayList<>();
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String lastField = null;
        for (String line : text.split("\\R", -1)) {
            if (line.isBlank()) {
                if (!fields.isEmpty()) {
                    stanzas.add(new Stanza(fields));
                    fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                }
                lastField = null;
            } else if (line.startsWith("#")) {
                continue;
            } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (lastField != null) {
                    fields.merge(lastField, line.strip(), (old, more) -> old + "\n" + more);
                }
            } else {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                lastField = line.substring(0, colon).strip();
                fields.put(lastField, line.substring(colon + 1).strip());
            }
        }
        if (!fields.isEmpty()) {
            stanzas.add(new Stanza(fields));
        }
        return stanzas;
    }
}
