package dev.suture.kernel.build;

import dev.suture.elf.ElfFile;
import dev.suture.elf.Section;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The source files of the C units linked into an object, from the name of each DWARF compilation unit in
 * its {@code .debug_info} (versions 4 and 5, 32-bit format, as gcc writes them). Only the first DIE of each
 * unit is decoded; the rest is skipped by the unit's length.
 */
final class DwarfUnits {
    private static final int DW_AT_NAME = 0x03;

    private DwarfUnits() {
    }

    /** Every compilation unit's DW_AT_name, in file order. */
    static List<String> names(ElfFile elf) {
        Optional<Section> info = elf.section(".debug_info");
        Optional<Section> abbrev = elf.section(".debug_abbrev");
        if (info.isEmpty() || abbrev.isEmpty()) {
            return List.of();
        }
        ByteBuffer in = info.get().buffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer ab = abbrev.get().buffer().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer str = elf.section(".debug_str").map(s -> s.buffer().order(ByteOrder.LITTLE_ENDIAN)).orElse(null);
        ByteBuffer lineStr = elf.section(".debug_line_str").map(s -> s.buffer().order(ByteOrder.LITTLE_ENDIAN)).orElse(null);
        Map<Long, long[]> firstAbbrev = new HashMap<>();
        List<String> names = new ArrayList<>();
        int at = 0;
        while (at + 11 < in.limit()) {
            long length = in.getInt(at) & 0xffffffffL;
            if (length == 0xffffffffL || length == 0) {
                break;  // 64-bit DWARF is not what gcc writes for the kernel
            }
            int next = (int) (at + 4 + length);
            int version = in.getShort(at + 4) & 0xffff;
            int p;
            long abbrevOffset;
            int addressSize;
            if (version >= 5) {
                addressSize = in.get(at + 7) & 0xff;
                abbrevOffset = in.getInt(at + 8) & 0xffffffffL;
                p = at + 12;
            } else {
                abbrevOffset = in.getInt(at + 6) & 0xffffffffL;
                addressSize = in.get(at + 10) & 0xff;
                p = at + 11;
            }
            long[] cursor = {p};
            long code = uleb(in, cursor);
            long[] spec = firstAbbrev.computeIfAbsent(abbrevOffset * 1_000_003L + code, k -> abbreviation(ab, abbrevOffset, code));
            String name = spec == null ? null : nameOf(in, cursor, spec, addressSize, str, lineStr);
            if (name != null) {
                names.add(name);
            }
            at = next;
        }
        return names;
    }

    /** The attribute/form pairs of abbreviation {@code code} in the table at {@code offset} (implicit constants inline). */
    private static long[] abbreviation(ByteBuffer ab, long offset, long code) {
        long[] c = {offset};
        while (c[0] < ab.limit()) {
            long entry = uleb(ab, c);
            if (entry == 0) {
                return null;
            }
            uleb(ab, c);  // tag
            c[0]++;       // has children
            List<Long> pairs = new ArrayList<>();
            while (true) {
                long attr = uleb(ab, c);
                long form = uleb(ab, c);
                if (attr == 0 && form == 0) {
                    break;
                }
                pairs.add(attr);
                pairs.add(form);
                if (form == 0x21) {
                    sleb(ab, c);
                }
            }
            if (entry == code) {
                return pairs.stream().mapToLong(Long::longValue).toArray();
            }
        }
        return null;
    }

    private static String nameOf(ByteBuffer in, long[] c, long[] spec, int addressSize, ByteBuffer str, ByteBuffer lineStr) {
        for (int i = 0; i < spec.length; i += 2) {
            int attr = (int) spec[i];
            int form = (int) spec[i + 1];
            if (attr == DW_AT_NAME) {
                return switch (form) {
                    case 0x08 -> cString(in, (int) c[0]);
                    case 0x0e -> str == null ? null : cString(str, in.getInt((int) c[0]));
                    case 0x1f -> lineStr == null ? null : cString(lineStr, in.getInt((int) c[0]));
                    default -> null;
                };
            }
            if (!skip(in, c, form, addressSize)) {
                return null;
            }
        }
        return null;
    }

    /** Moves past one attribute value; false for a form this reader does not know. */
    private static boolean skip(ByteBuffer in, long[] c, int form, int addressSize) {
        switch (form) {
            case 0x01 -> c[0] += addressSize;
            case 0x0b, 0x0c, 0x11, 0x25, 0x29 -> c[0] += 1;
            case 0x05, 0x12, 0x26, 0x2a -> c[0] += 2;
            case 0x27, 0x2b -> c[0] += 3;
            case 0x06, 0x0e, 0x10, 0x13, 0x17, 0x1c, 0x1d, 0x1f, 0x28, 0x2c -> c[0] += 4;
            case 0x07, 0x14, 0x20 -> c[0] += 8;
            case 0x1e -> c[0] += 16;
            case 0x19, 0x21 -> {
            }
            case 0x08 -> {
                while (in.get((int) c[0]) != 0) {
                    c[0]++;
                }
                c[0]++;
            }
            case 0x0f, 0x15, 0x1a, 0x1b, 0x22, 0x23 -> uleb(in, c);
            case 0x0d -> sleb(in, c);
            case 0x09, 0x18 -> c[0] += uleb(in, c);
            case 0x0a -> c[0] += 1 + (in.get((int) c[0]) & 0xff);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static long uleb(ByteBuffer b, long[] c) {
        long result = 0;
        int shift = 0;
        while (true) {
            int x = b.get((int) c[0]++) & 0xff;
            result |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
            shift += 7;
        }
    }

    private static void sleb(ByteBuffer b, long[] c) {
        while ((b.get((int) c[0]++) & 0x80) != 0) {
            // the value itself is not needed
        }
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
