package dev.suture.elf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lays out and writes an {@link ElfFile}: first brings the managed sections (symbol table, string tables) up to
 * date, then places every piece (ELF header, program headers, section contents, section header table) and
 * writes them front to back. Bytes between two pieces that both sit where they sat in the file read are copied
 * from it, which is what makes an unmodified file come out identical, padding included; other gaps are zeros.
 */
final class ElfWriter {
    private static final int ZEROS = 64 * 1024;
    /**
     * File offsets are aligned like their sections, up to a page. The gABI constrains addresses, not offsets; a
     * page is all a reader mapping the file could want, and the cap keeps a corrupt alignment of 2^32 from
     * blowing a small file up to gigabytes.
     */
    static final long MAX_OFFSET_ALIGNMENT = 4096;

    /** One run of bytes in the output, and where it was in the file read (-1: nowhere). */
    private record Piece(long offset, MemorySegment bytes, long sourceOffset, long sourceSize) {
        long end() {
            return offset + bytes.byteSize();
        }

        boolean inSourcePlace() {
            return sourceOffset == offset && sourceSize == bytes.byteSize();
        }
    }

    private record Layout(List<Piece> pieces, long length) {
    }

    private final ElfFile file;
    private final ElfSource source;

    private ElfWriter(ElfFile file) {
        this.file = file;
        this.source = file.source;
    }

    static byte[] toBytes(ElfFile file) {
        ElfWriter writer = new ElfWriter(file);
        Layout layout = writer.layout();
        if (layout.length() > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(file + " is " + layout.length() + " bytes: too big for an array");
        }
        byte[] bytes = new byte[(int) layout.length()];
        ByteBuffer target = ByteBuffer.wrap(bytes);
        try {
            writer.emit(layout, new WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) {
                    int n = src.remaining();
                    target.put(src);
                    return n;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes;
    }

    static void write(ElfFile file, WritableByteChannel out) throws IOException {
        ElfWriter writer = new ElfWriter(file);
        writer.emit(writer.layout(), out);
    }

    static void write(ElfFile file, Path path) throws IOException {
        ElfWriter writer = new ElfWriter(file);
        Layout layout = writer.layout();
        Path target = path.toAbsolutePath();
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.emit(layout, out);
            }
            // Keep the mode of the file replaced, or of the file read (an executable stays executable).
            Path modeFrom = Files.exists(target) ? target
                    : writer.source.path().filter(Files::exists).orElse(null);
            Files.setPosixFilePermissions(temporary, modeFrom != null ? Files.getPosixFilePermissions(modeFrom)
                    : PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private Layout layout() {
        ManagedSections.update(file);
        List<Section> sections = file.sections();
        int count = sections.size();
        boolean keepLayout = !file.restructured();
        for (int i = 1; i < count && keepLayout; i++) {
            keepLayout = sections.get(i).keepsSourcePlace();
        }
        long[] offsets = keepLayout ? sourceOffsets(sections) : packedOffsets(sections);
        long shoff = count == 0 ? 0 : keepLayout ? file.header().shoff() : offsets[count];

        List<Piece> pieces = new ArrayList<>();
        pieces.add(new Piece(0, MemorySegment.ofArray(elfHeader(count, shoff)), 0, Elf.EHDR_SIZE));
        ElfHeader header = file.header();
        if (header.phnum() > 0) {
            long size = (long) header.phnum() * Elf.PHDR_SIZE;
            pieces.add(new Piece(header.phoff(), source.slice(header.phoff(), size), header.phoff(), size));
        }
        for (int i = 1; i < count; i++) {
            Section s = sections.get(i);
            if (!s.isNoBits() && s.size() > 0) {
                pieces.add(new Piece(offsets[i], s.segment(), s.sourceOffset, s.sourceSize));
            }
        }
        if (count > 0) {
            long sourceSize = file.restructured() ? -1 : (long) count * Elf.SHDR_SIZE;
            pieces.add(new Piece(shoff, MemorySegment.ofArray(sectionHeaders(offsets)), header.shoff(), sourceSize));
        }
        pieces.sort(Comparator.comparingLong(Piece::offset));
        long end = pieces.stream().mapToLong(Piece::end).max().orElse(0);
        // Trailing bytes after the last piece belong to the file as read only while its layout is kept.
        long length = keepLayout ? Math.max(end, source.length()) : end;
        return new Layout(pieces, length);
    }

    /** Every section where it was. */
    private static long[] sourceOffsets(List<Section> sections) {
        long[] offsets = new long[sections.size() + 1];
        for (int i = 0; i < sections.size(); i++) {
            offsets[i] = sections.get(i).sourceOffset;
        }
        return offsets;
    }

    /**
     * Sections laid out again in their old file order, new ones last, each at its alignment (up to
     * {@link #MAX_OFFSET_ALIGNMENT}); the section header
     * table (at {@code offsets[count]}) after them. Allocated sections of a linked file stay put: program
     * headers map them by offset.
     */
    private long[] packedOffsets(List<Section> sections) {
        int count = sections.size();
        long[] offsets = new long[count + 1];
        boolean linked = file.header().phnum() > 0;
        long cursor = Elf.EHDR_SIZE;
        if (linked) {
            cursor = Math.max(cursor, file.header().phoff() + (long) file.header().phnum() * Elf.PHDR_SIZE);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            Section s = sections.get(i);
            if (linked && s.hasFlags(Elf.SHF_ALLOC) && s.sourceOffset >= 0) {
                if (!s.keepsSourcePlace()) {
                    throw new IllegalStateException("cannot change the size of " + s.name()
                            + ": it is allocated in a linked file, where segments fix its place");
                }
                offsets[i] = s.sourceOffset;
                if (!s.isNoBits()) {
                    cursor = Math.max(cursor, s.sourceOffset + s.size());
                }
            } else {
                order.add(i);
            }
        }
        order.sort(Comparator.comparingLong((Integer i) -> {
            long offset = sections.get(i).sourceOffset;
            return offset < 0 ? Long.MAX_VALUE : offset;
        }).thenComparingInt(i -> i));
        for (int i : order) {
            Section s = sections.get(i);
            long offset = alignUp(cursor, Math.min(s.addralign(), MAX_OFFSET_ALIGNMENT));
            offsets[i] = offset;
            if (!s.isNoBits()) {
                cursor = offset + s.size();
            }
        }
        offsets[0] = sections.isEmpty() ? 0 : sections.get(0).sourceOffset;
        offsets[count] = alignUp(cursor, 8);
        return offsets;
    }

    private static long alignUp(long value, long alignment) {
        if (alignment <= 1) {
            return value;
        }
        return Math.addExact(value, alignment - 1) & -alignment;
    }

    /** The header as read, with the section table fields set for this layout. */
    private byte[] elfHeader(int count, long shoff) {
        ByteBuffer header = ByteBuffer.wrap(source.copy(0, Elf.EHDR_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(0x28, shoff);
        header.putShort(0x3c, (short) (count == 0 || extendedCount(count) ? 0 : count));
        int names = shstrndx();
        header.putShort(0x3e, (short) (count == 0 ? 0 : extendedStrndx(names) ? Elf.SHN_XINDEX : names));
        return header.array();
    }

    private boolean extendedCount(int count) {
        return count >= Elf.SHN_LORESERVE || file.extendedCount;
    }

    private boolean extendedStrndx(int names) {
        return names >= Elf.SHN_LORESERVE || file.extendedStrndx;
    }

    private int shstrndx() {
        return file.sectionNameTable().map(file::indexOf).orElse(0);
    }

    private byte[] sectionHeaders(long[] offsets) {
        List<Section> sections = file.sections();
        int count = sections.size();
        ByteBuffer table = ByteBuffer.allocate(count * Elf.SHDR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            Section s = sections.get(i);
            long size = s.size();
            int link = s.link();
            if (i == 0) {
                // Section 0 carries the counts that do not fit the ELF header.
                if (extendedCount(count)) {
                    size = count;
                }
                if (extendedStrndx(shstrndx())) {
                    link = shstrndx();
                }
            }
            table.putInt(s.renamed ? 0 : s.nameOffset)
                    .putInt(s.type())
                    .putLong(s.flags())
                    .putLong(s.addr())
                    .putLong(offsets[i])
                    .putLong(size)
                    .putInt(link)
                    .putInt(s.info())
                    .putLong(s.addralign())
                    .putLong(s.entsize());
        }
        return table.array();
    }

    private void emit(Layout layout, WritableByteChannel out) throws IOException {
        long position = 0;
        Piece previous = null;
        for (Piece piece : layout.pieces()) {
            if (piece.offset() > position) {
                gap(out, position, piece.offset(), previous != null && previous.inSourcePlace() && piece.inSourcePlace());
                position = piece.offset();
            }
            long skip = position - piece.offset();
            long size = piece.bytes().byteSize();
            if (skip < size) {
                // Overlapping pieces only come from files that overlapped already; the first one's bytes win.
                put(out, piece.bytes().asSlice(skip));
                position = piece.end();
            }
            previous = piece;
        }
        if (layout.length() > position) {
            gap(out, position, layout.length(), previous == null || previous.inSourcePlace());
        }
    }

    private void gap(WritableByteChannel out, long from, long to, boolean neighboursInPlace) throws IOException {
        if (neighboursInPlace && source.contains(from, to - from) && !overlapsRemoved(from, to)) {
            put(out, source.slice(from, to - from));
            return;
        }
        ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZEROS, to - from));
        for (long left = to - from; left > 0; left -= zeros.limit()) {
            zeros.clear().limit((int) Math.min(ZEROS, left));
            writeFully(out, zeros);
        }
    }

    private boolean overlapsRemoved(long from, long to) {
        for (long[] range : file.removedRanges()) {
            if (range[0] < to && from < range[0] + range[1]) {
                return true;
            }
        }
        return false;
    }

    private static void put(WritableByteChannel out, MemorySegment bytes) throws IOException {
        long chunk = 1L << 30;
        for (long at = 0; at < bytes.byteSize(); at += chunk) {
            writeFully(out, bytes.asSlice(at, Math.min(chunk, bytes.byteSize() - at)).asByteBuffer());
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
