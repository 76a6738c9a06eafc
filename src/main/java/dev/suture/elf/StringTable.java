package dev.suture.elf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reading and building ELF string tables. Names are mapped one byte to one char (ISO-8859-1): symbol names are
 * bytes, not text, and this mapping gives every byte string back unchanged when a table is rebuilt.
 */
final class StringTable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Map<String, Integer> offsets = new HashMap<>();

    /** A table holding just the empty string at offset 0. */
    StringTable() {
        bytes.write(0);
        offsets.put("", 0);
    }

    /** The offset of {@code name}, adding it at the end the first time. */
    int add(String name) {
        Integer known = offsets.get(name);
        if (known != null) {
            return known;
        }
        int offset = bytes.size();
        bytes.writeBytes(name.getBytes(StandardCharsets.ISO_8859_1));
        bytes.write(0);
        offsets.put(name, offset);
        return offset;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
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
