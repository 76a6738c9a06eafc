package dev.suture.vm;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's taint flags ({@code /proc/sys/kernel/tainted}, Documentation/admin-guide/tainted-kernels.rst).
 * Loading an unsigned out-of-tree livepatch module sets O, E and K by design; any other new bit is a failure.
 */
public final class Taint {
    private static final String LETTERS = "PFSRMBUDAWCIOELKXT";
    /** O (out-of-tree), E (unsigned), K (livepatched). */
    public static final long EXPECTED_FROM_LIVEPATCH = (1L << 12) | (1L << 13) | (1L << 15);

    private Taint() {
    }

    /** Bits set in {@code after} but not in {@code before}, other than those livepatching sets. */
    public static long unexpectedNewBits(long before, long after) {
        return after & ~before & ~EXPECTED_FROM_LIVEPATCH;
    }

    /** The kernel's letters for the bits, e.g. {@code W D}. */
    public static String letters(long bits) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < 64; bit++) {
            if ((bits & (1L << bit)) != 0) {
                names.add(bit < LETTERS.length() ? String.valueOf(LETTERS.charAt(bit)) : "bit" + bit);
            }
        }
        return String.join(" ", names);
    }
}
