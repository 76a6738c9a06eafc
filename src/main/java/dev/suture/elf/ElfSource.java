package dev.suture.elf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The bytes of a file being read: a heap array for ordinary objects, a read-only memory mapping for large ones
 * (a vmlinux with debug info is over half a gigabyte, of which a symbol lookup touches a few megabytes).
 * Every read is bounds-checked here so a corrupt header ends in an {@link ElfFormatException} rather than an
 * {@link IndexOutOfBoundsException}.
 */
final class ElfSource {
    /** Files up to this size are read whole; larger ones are mapped. */
    static final long MAP_THRESHOLD = 64L << 20;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment bytes;
    private final String name;
    /** The file read, or null for bytes given in memory. */
    private final Path path;

    private ElfSource(MemorySegment bytes, String name, Path path) {
        this.bytes = bytes;
        this.name = name;
        this.path = path;
    }

    static ElfSource of(byte[] data, String name) {
        return new ElfSource(MemorySegment.ofArray(data), name, null);
    }

    /**
     * A mapping lives as long as anything refers to it (an automatic arena), so sections read lazily stay valid
     * even after the file was replaced by a rename; the writer never truncates a file in place.
     */
    static ElfSource of(Path file) throws IOException {
        long size = Files.size(file);
        if (size < MAP_THRESHOLD) {
            return new ElfSource(MemorySegment.ofArray(Files.readAllBytes(file)), file.toString(), file);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new ElfSource(channel.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto()), file.toString(),
                    file);
        }
    }

    Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    long length() {
        return bytes.byteSize();
    }

    String name() {
        return name;
    }

    /** True when {@code [offset, offset + size)} lies inside the file (no overflow for huge values). */
    boolean contains(long offset, long size) {
        return offset >= 0 && size >= 0 && offset <= length() && size <= length() - offset;
    }

    void check(long offset, long size, String what) throws ElfFormatException {
        if (!contains(offset, size)) {
            throw new ElfFormatException(name + ": " + what + " (" + Long.toUnsignedString(size) + " bytes at offset "
                    + Long.toUnsignedString(offset) + ") lies outside the file of " + length() + " bytes");
        }
    }

    int u8(long offset) {
        return Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, offset));
    }

    int u16(long offset) {
        return Short.toUnsignedInt(bytes.get(U16, offset));
    }

    int i32(long offset) {
        return bytes.get(U32, offset);
    }

    long u64(long offset) {
        return bytes.get(U64, offset);
    }

    /** A view of part of the file, without copying; the caller checked the range. */
    MemorySegment slice(long offset, long size) {
        return bytes.asSlice(offset, size);
    }

    byte[] copy(long offset, int size) {
        return bytes.asSlice(offset, size).toArray(ValueLayout.JAVA_BYTE);
    }
}
