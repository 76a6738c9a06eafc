package dev.suture.patch.diff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a difference between the two compilations is only {@code __LINE__} of unchanged code moving as the
 * diff moved it. GCC bakes the line in wherever the source names it: an immediate ({@code __might_sleep}'s
 * argument), a bug-table entry, a bitfield of data (a dynamic-debug descriptor's {@code lineno}), or the text
 * of a string ({@code __FILE__ ":" __stringify(__LINE__)}: fortify's field-spanning-write message, lockdep
 * names). The kernel keeps its own, correct, numbers for unchanged code, so none of these is a change. A
 * number is explained only by an unchanged line of a changed file that moved from exactly the old number to
 * exactly the new one; any other difference, in the number or around it, is a change.
 */
final class MovedLines {
    private static final Pattern NUMBER = Pattern.compile("\\d+");
    /** The narrowest bitfield a line number is looked for in: 16 bits would already reach line 65535. */
    private static final int NARROWEST_FIELD = 16;

    private final ObjectDiff.LineShift lines;

    MovedLines(ObjectDiff.LineShift lines) {
        this.lines = lines;
    }

    boolean moved(int from, int to) {
        return lines.moved(from, to);
    }

    /** Every run of differing bytes lies in a 32-bit value that is a line of a changed file and moved as the diff says. */
    boolean inImmediates(byte[] a, byte[] b) {
        return explained(a, b, false);
    }

    /**
     * As {@link #inImmediates}, and a line may also be the low bitfield of a 32-bit word whose other bits are
     * equal (a descriptor's {@code lineno:18} shares its word with class and flag bits). Only for data that
     * names its source file ({@code .filename = __FILE__}): elsewhere a number in data is a value, and a value
     * that changed is a changed initializer.
     */
    boolean inData(byte[] a, byte[] b) {
        return explained(a, b, true);
    }

    private boolean explained(byte[] a, byte[] b, boolean bitfields) {
        if (a.length != b.length) {
            return false;
        }
        ByteBuffer ba = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int i = 0;
        while (i < a.length) {
            if (a[i] == b[i]) {
                i++;
                continue;
            }
            int end = i;
            while (end < a.length && a[end] != b[end]) {
                end++;
            }
            boolean explained = false;
            for (int at = Math.max(0, end - 4); at <= i && at + 4 <= a.length && !explained; at++) {
                int x = ba.getInt(at);
                int y = bb.getInt(at);
                explained = lines.moved(x, y) || (bitfields && inLowBits(x, y));
            }
            if (!explained) {
                return false;
            }
            i = end;
        }
        return true;
    }

    /** Whether the low bits of two words, at some width that holds every differing bit, are a moved line. */
    private boolean inLowBits(int x, int y) {
        int highest = 31 - Integer.numberOfLeadingZeros(x ^ y);
        for (int width = Math.max(NARROWEST_FIELD, highest + 1); width < 32; width++) {
            int mask = (1 << width) - 1;
            if (lines.moved(x & mask, y & mask)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether two different strings are the same text but for decimal numbers, each of them a moved line
     * ({@code "field \"slots\" at lib/maple_tree.c:2057"} → {@code ...:2058}).
     */
    boolean inText(String a, String b) {
        if (a.equals(b)) {
            return false;
        }
        Matcher ma = NUMBER.matcher(a);
        Matcher mb = NUMBER.matcher(b);
        int fromA = 0;
        int fromB = 0;
        while (true) {
            boolean nextA = ma.find();
            boolean nextB = mb.find();
            if (nextA != nextB) {
                return false;
            }
            if (!nextA) {
                return a.substring(fromA).equals(b.substring(fromB));
            }
            if (!a.substring(fromA, ma.start()).equals(b.substring(fromB, mb.start()))) {
                return false;
            }
            if (!ma.group().equals(mb.group()) && !lineMoved(ma.group(), mb.group())) {
                return false;
            }
            fromA = ma.end();
            fromB = mb.end();
        }
    }

    private boolean lineMoved(String from, String to) {
        // A line number is written without leading zeros and fits an int; anything else is some other number.
        if (from.length() > 9 || to.length() > 9 || from.startsWith("0") || to.startsWith("0")) {
            return false;
        }
        return lines.moved(Integer.parseInt(from), Integer.parseInt(to));
    }
}
