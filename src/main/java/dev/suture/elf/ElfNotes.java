package dev.suture.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The notes ({@code SHT_NOTE} sections) of an ELF64 little-endian file, read with positioned reads so a
 * half-gigabyte object costs a few kilobytes of I/O: only the ELF header, the section headers and the note
 * sections themselves are read.
 */
public final class ElfNotes {
    /** Section type of a note section. */
    public static final int SHT_NOTE = 7;
    /** Note type of the GNU build id, under the owner name {@code GNU}. */
    public static final int NT_GNU_BUILD_ID = 3;

    private static final int ELF64_HEADER_SIZE = 64;
    private static final int ELF64_SECTION_HEADER_SIZE = 64;
    /** Note sections are small; a larger one means a corrupt header, not a note worth allocating for. */
    private static final long MAX_NOTE_SECTION = 16 << 20;

    /** One note: owner name (without its NUL), type, and descriptor bytes. */
    public record Note(String name, int type, byte[] descriptor) {
        public String descriptorHex() {
            return HexFormat.of().formatHex(descriptor);
        }
    }

    private ElfNotes() {
    }

    /** All notes of all note sections, in file order. */
    public static List<Note> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            // The identification bytes come first, so a short non-ELF file is called that, not "truncated".
            checkIdent(readAt(channel, 0, (int) Math.min(channel.size(), 6), file), file);
            ByteBuffer header = readAt(channel, 0, ELF64_HEADER_SIZE, file);
            long sectionTable = header.getLong(0x28);
            int entrySize = Short.toUnsignedInt(header.getShort(0x3A));
            long count = Short.toUnsignedInt(header.getShort(0x3C));
            if (sectionTable == 0) {
                return List.of();
            }
            if (entrySize < ELF64_SECTION_HEADER_SIZE) {
                throw new ElfFormatException(file + ": section header entries of " + entrySize + " bytes");
            }
            if (count == 0) {
                // More than 0xff00 sections: the real count is in the size field of section 0.
                count = readAt(channel, sectionTable, ELF64_SECTION_HEADER_SIZE, file).getLong(32);
            }
            List<Note> notes = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                ByteBuffer section = readAt(channel, sectionTable + i * entrySize, ELF64_SECTION_HEADER_SIZE, file);
                if (section.getInt(4) != SHT_NOTE) {
                    continue;
                }
                long offset = section.getLong(24);
                long size = section.getLong(32);
                long align = section.getLong(48);
                if (size > MAX_NOTE_SECTION) {
                    throw new ElfFormatException(file + ": note section " + i + " claims " + size + " bytes");
                }
                parseNotes(readAt(channel, offset, (int) size, file), align == 8 ? 8 : 4, notes, file);
            }
            return notes;
        }
    }

    /** The GNU build id as lowercase hex, or empty when the file was linked without one. */
    public static Optional<String> gnuBuildId(Path file) throws IOException {
        return read(file).stream()
                .filter(n -> n.type() == NT_GNU_BUILD_ID && n.name().equals("GNU"))
                .map(Note::descriptorHex)
                .findFirst();
    }

    /**
     * Notes from raw note-section bytes, such as a running kernel's {@code /sys/kernel/notes}
     * (its {@code .notes} section, 4-byte aligned).
     */
    public static List<Note> parse(byte[] noteBytes, String origin) throws ElfFormatException {
        List<Note> notes = new ArrayList<>();
        parseNotes(ByteBuffer.wrap(noteBytes).order(ByteOrder.LITTLE_ENDIAN), 4, notes, Path.of(origin));
        return notes;
    }

    private static void checkIdent(ByteBuffer header, Path file) throws ElfFormatException {
        if (header.limit() < 6 || header.get(0) != 0x7f || header.get(1) != 'E' || header.get(2) != 'L' || header.get(3) != 'F') {
            throw new ElfFormatException(file + " is not an ELF file");
        }
        if (header.get(4) != 2 || header.get(5) != 1) {
            throw new ElfFormatException(file + " is not a 64-bit little-endian ELF file");
        }
    }

    /**
     * Note layout: namesz, descsz, type (4 bytes each), then the name, then the descriptor. The descriptor
     * and the next note start at multiples of {@code align} from the section start: 4 for most notes, 8 in
     * sections aligned to 8 such as {@code .note.gnu.property}.
     */
    private static void parseNotes(ByteBuffer data, int align, List<Note> into, Path file) throws ElfFormatException {
        while (data.remaining() >= 12) {
            int start = data.position();
            long nameSize = Integer.toUnsignedLong(data.getInt());
            long descSize = Integer.toUnsignedLong(data.getInt());
            int type = data.getInt();
            long descStart = start + padded(12 + nameSize, align);
            if (12 + nameSize > data.limit() - start || descStart + descSize > data.limit()) {
                throw new ElfFormatException(file + ": a note runs past the end of its section");
            }
            byte[] name = new byte[(int) nameSize];
            data.get(name);
            byte[] descriptor = new byte[(int) descSize];
            data.position((int) descStart);
            data.get(descriptor);
            // The last note need not be padded at the end of its section.
            data.position((int) Math.min(data.limit(), descStart + padded(descSize, align)));
            into.add(new Note(nulTerminated(name), type, descriptor));
        }
    }

    private static long padded(long size, int align) {
        return (size + align - 1) / align * align;
    }

    private static String nulTerminated(byte[] name) {
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        return new String(name, 0, end, StandardCharsets.US_ASCII);
    }

    private static ByteBuffer readAt(FileChannel channel, long position, int size, Path file) throws IOException {
        if (position < 0 || position + size > channel.size()) {
            throw new ElfFormatException(file + ": " + size + " bytes at offset " + position
                    + " lie outside the file (" + channel.size() + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new ElfFormatException(file + ": unexpected end of file at " + position);
            }
        }
        return buffer.flip();
    }
}
