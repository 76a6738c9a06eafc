package dev.suture.kernel.debian;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A Debian package version ({@code [epoch:]upstream[-revision]}), ordered the way dpkg orders them,
 * so that {@code 6.1.192-2 > 6.1.192-1 > 6.1.187-1} and {@code 1.0~rc1 < 1.0}.
 */
public record DebianVersion(int epoch, String upstream, String revision) implements Comparable<DebianVersion> {

    @JsonCreator
    public static DebianVersion parse(String text) {
        String rest = text.strip();
        int epoch = 0;
        int colon = rest.indexOf(':');
        if (colon > 0) {
            epoch = Integer.parseInt(rest.substring(0, colon));
            rest = rest.substring(colon + 1);
        }
        int dash = rest.lastIndexOf('-');
        if (dash < 0) {
            return new DebianVersion(epoch, rest, "");
        }
        return new DebianVersion(epoch, rest.substring(0, dash), rest.substring(dash + 1));
    }

    @Override
    public int compareTo(DebianVersion other) {
        int c = Integer.compare(epoch, other.epoch);
        if (c == 0) {
            c = compareFragment(upstream, other.upstream);
        }
        if (c == 0) {
            c = compareFragment(revision, other.revision);
        }
        return c;
    }

    @JsonValue
    @Override
    public String toString() {
        return (epoch != 0 ? epoch + ":" : "") + upstream + (revision.isEmpty() ? "" : "-" + revision);
    }

    /** dpkg's verrevcmp: alternate non-digit runs (compared by {@link #weight}) and digit runs (numerically). */
    private static int compareFragment(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while ((i < a.length() && !isDigit(a.charAt(i))) || (j < b.length() && !isDigit(b.charAt(j)))) {
                int wa = i < a.length() ? weight(a.charAt(i)) : 0;
                int wb = j < b.length() ? weight(b.charAt(j)) : 0;
                if (wa != wb) {
                    return Integer.compare(wa, wb);
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            int firstDifference = 0;
            while (i < a.length() && isDigit(a.charAt(i)) && j < b.length() && isDigit(b.charAt(j))) {
                if (firstDifference == 0) {
                    firstDifference = Character.compare(a.charAt(i), b.charAt(j));
                }
                i++;
                j++;
            }
            if (i < a.length() && isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDifference != 0) {
                return Integer.signum(firstDifference);
            }
        }
        return 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Tilde sorts before everything, even the end of the string; letters before other characters. */
    private static int weight(char c) {
        if (isDigit(c)) {
            return 0;
        }
        if (Character.isLetter(c)) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }
}
