package dev.suture.manifest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.suture.SutureException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a patch fixes, as a fleet asks about it: a title (a mail's subject, or what {@code build --title} said) and
 * the CVE ids it fixes. Kept canonical whatever it was made from, so two builds of the same fix compare equal and a
 * manifest reads back as it was written: the title's runs of white space are one space, the ids upper case,
 * without duplicates, sorted.
 *
 * @param title what the fix is, on one line, or null when nothing said
 * @param cves  CVE ids, e.g. {@code CVE-2024-26581}; empty when none is known
 */
public record Fixes(String title, List<String> cves) {
    /** Manifests of builds older than this field, and fixes that name nothing. */
    public static final Fixes NONE = new Fixes(null, List.of());

    /** A CVE id as MITRE writes them: the year, then four or more digits. */
    static final Pattern CVE = Pattern.compile("CVE-\\d{4}-\\d{4,}");
    private static final Pattern CVE_IN_TEXT = Pattern.compile("(?<![A-Za-z0-9])CVE-\\d{4}-\\d{4,}(?![0-9])",
            Pattern.CASE_INSENSITIVE);

    public Fixes {
        title = title == null || title.isBlank() ? null : title.replaceAll("\\s+", " ").strip();
        // Nulls stay (and the reader refuses them): a manifest is never made usable by quietly dropping a part.
        cves = cves == null ? List.of() : cves.stream().map(c -> c == null ? null : c.toUpperCase(Locale.ROOT))
                .distinct().sorted(Comparator.nullsFirst(Comparator.naturalOrder())).toList();
    }

    /** The CVE ids anywhere in {@code text}, in any case (a commit message writes {@code cve-2024-1234} too). */
    public static List<String> cvesIn(String text) {
        TreeSet<String> found = new TreeSet<>();
        Matcher m = CVE_IN_TEXT.matcher(text);
        while (m.find()) {
            found.add(m.group().toUpperCase(Locale.ROOT));
        }
        return List.copyOf(found);
    }

    /** True for a well-formed CVE id in any case. */
    public static boolean isCve(String id) {
        return id != null && CVE.matcher(id.toUpperCase(Locale.ROOT)).matches();
    }

    /**
     * A CVE id the user typed ({@code build --cve}, {@code status --cve}), upper-cased; a malformed one is refused
     * naming {@code option}, so a typo never quietly asks about (or records) a CVE that does not exist.
     */
    public static String requireCve(String id, String option) {
        if (!isCve(id)) {
            throw new SutureException(option + " '" + id + "' is not a CVE id",
                    "write it as CVE-YEAR-NUMBER, the number four digits or more: " + option + " CVE-2024-26581");
        }
        return id.toUpperCase(Locale.ROOT);
    }

    /**
     * These fixes with what the user said at build time: their title, when given, replaces this one (a subject is a
     * guess at a name, the user's word is not), and their CVE ids add to those found.
     */
    public Fixes with(Fixes given) {
        List<String> all = new ArrayList<>(cves);
        all.addAll(given.cves);
        return new Fixes(given.title != null ? given.title : title, all);
    }

    @JsonIgnore  // not a part: the JSON is the title and the ids
    public boolean isEmpty() {
        return title == null && cves.isEmpty();
    }

    public boolean fixes(String cve) {
        return cves.contains(Objects.requireNonNull(cve).toUpperCase(Locale.ROOT));
    }

    /** One line, as build, list and status print it: {@code CVE-2024-1, CVE-2024-2; title}; empty when none. */
    public String describe() {
        String ids = String.join(", ", cves);
        if (title == null) {
            return ids;
        }
        return ids.isEmpty() ? title : ids + "; " + title;
    }
}
