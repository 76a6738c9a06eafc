package dev.suture.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading and building ELF string tables. Names are mapped one byte to one char (ISO-8859-1): symbol names are
 * bytes, not text, and this mapping gives every byte string back unchanged when a table is rebuilt.
 *
 * <p>A built table shares tails the way the GNU linker's do: a name that ends another ({@code init} in
 * {@code xfs_init}) is stored once, as the end of the longer one.
 */
final class StringTable {
    private final Set<String> names = new LinkedHashSet<>();
    private Map<String, Integer> offsets;
    private byte[] bytes;

    /** Collects a name; offsets exist once {@link #build()} ran. */
    void add(String name) {
        if (offsets != null) {
            throw new IllegalStateException("table already built");
        }
        names.add(name);
    }

    int offset(String name) {
        Integer offset = offsets.get(name);
        if (offset == null) {
            throw new IllegalArgumentException("not in the table: " + name);
        }
        return offset;
    }

    byte[] build() {
        List<String> reversed = new ArrayList<>(names.size());
        for (String name : names) {
            if (!name.isEmpty()) {
                reversed.add(new StringBuilder(name).reverse().toString());
            }
        }
        // Sorted by reversed name, every name that is a tail of others sits right before the first of them.
        reversed.sort(null);
        offsets = new HashMap<>();
        offsets.put("", 0);
        int size = 1;
        int[] offsetOf = new int[reversed.size()];
        String longer = null;
        int longerOffset = 0;
        List<String> stored = new ArrayList<>();
        for (int i = reversed.size() - 1; i >= 0; i--) {
            String rev = reversed.get(i);
            if (longer != null && longer.startsWith(rev)) {
                offsetOf[i] = longerOffset + longer.length() - rev.length();
            } else {
                offsetOf[i] = size;
                size += rev.length() + 1;
                stored.add(rev);
                longer = rev;
                longerOffset = offsetOf[i];
            }
            offsets.put(new StringBuilder(rev).reverse().toString(), offsetOf[i]);
        }
        bytes = new byte[size];
        int at = 1;
        for (String rev : stored) {
            byte[] name = new StringBuilder(rev).reverse().toString().getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(name, 0, bytes, at, name.length);
            at += name.length + 1;
        }
        return bytes;
    }

    /** Throws when {@code name} cannot be stored: it contains NUL or a char above 0xff. */
    static String checkName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0 || c > 0xff) {
                throw new IllegalArgumentException("name holds a character a string table cannot: " + name);
            }
        }
        return name;
    }

    /** The NUL-terminated string at {@code offset} of {@code table}. */
    static String read(byte[] table, long offset, String what) throws ElfFormatException {
        if (offset < 0 || offset >= table.length) {
            if (offset == 0) {
                return "";
            }
            throw new ElfFormatException(what + ": name offset " + offset + " is outside its string table of "
                    + table.length + " bytes");
        }
        int start = (int) offset;
        int end = start;
        while (end < table.length && table[end] != 0) {
            end++;
        }
        if (end == table.length) {
            throw new ElfFormatException(what + ": name at offset " + offset + " is not NUL-terminated");
        }
        return new String(table, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
