package dev.suture.patch.diff;

import java.util.regex.Pattern;

/**
 * How symbol and section names correspond between two compilations of a unit. GCC numbers what it makes up:
 * static locals ({@code count.12}), clones ({@code foo.isra.0}, {@code foo.constprop.1}, {@code foo.part.0})
 * and string or constant pools; the kernel's {@code __UNIQUE_ID_} names ({@code __UNIQUE_ID_ddebug332.18}, a
 * dynamic-debug descriptor) carry the preprocessor's {@code __COUNTER__}, which every earlier use in the unit,
 * headers included, moves on. The numbers shift when unrelated code changes, the rest of the name does not.
 */
public final class Names {
    private static final Pattern NUMBER_PART = Pattern.compile("\\.\\d+(?=\\.|$)");
    private static final Pattern COLD = Pattern.compile("\\.cold(\\.\\d+)?$");
    /** {@code __UNIQUE_ID_} + prefix + counter; the counter ends the name or comes before GCC's {@code .N}. */
    private static final Pattern UNIQUE_ID_COUNTER = Pattern.compile("^(__UNIQUE_ID_.*?)\\d+(?=\\.|$)");
    /** A BTF ID slot, {@code __BTF_ID__struct__inode__896148}: kind, name, then {@code __COUNTER__} and {@code __LINE__}. */
    private static final Pattern BTF_ID_COUNTER = Pattern.compile("^(__BTF_ID__.+__)\\d+$");

    private Names() {
    }

    /**
     * The name without GCC's numbering: {@code count.12} → {@code count}, {@code f.isra.0} → {@code f.isra},
     * {@code __UNIQUE_ID_ddebug332.18} → {@code __UNIQUE_ID_ddebug}, {@code __BTF_ID__struct__inode__896148} →
     * {@code __BTF_ID__struct__inode__}.
     */
    public static String correlated(String name) {
        String counted = BTF_ID_COUNTER.matcher(UNIQUE_ID_COUNTER.matcher(name).replaceFirst("$1")).replaceFirst("$1");
        return NUMBER_PART.matcher(counted).replaceAll("");
    }

    /** The function a {@code .cold} part was split from, or the name itself. */
    public static String owner(String name) {
        return COLD.matcher(name).replaceAll("");
    }

    /** Whether the name is a compiler-split cold part of another function. */
    public static boolean isColdPart(String name) {
        return COLD.matcher(name).find();
    }
}
