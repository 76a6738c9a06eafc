package dev.suture.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The program headers of an ELF64 file, from its first bytes: enough to find where a virtual address lives
 * in a core image such as a running kernel's {@code /proc/kcore}.
 */
public final class ElfSegments {
    public static final int PT_LOAD = 1;

    /** One program header. */
    public record Segment(int type, long offset, long vaddr, long fileSize) {
        public boolean contains(long address, long length) {
            return address >= vaddr && address + length <= vaddr + fileSize;
        }
    }

    private ElfSegments() {
    }

    /** Parses the program headers; {@code head} must hold the ELF header and the whole program header table. */
    public static List<Segment> parse(byte[] head) throws ElfFormatException {
        if (head.length < Elf.EHDR_SIZE || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F'
                || head[4] != 2 || head[5] != 1) {
            throw new ElfFormatException("not an ELF64 little-endian image");
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        if (phentsize < 56 || phoff < 0 || phoff + (long) phentsize * phnum > head.length) {
            throw new ElfFormatException("program headers lie outside the " + head.length + " bytes read");
        }
        List<Segment> segments = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            segments.add(new Segment(b.getInt(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 32)));
        }
        return segments;
    }

    /** The loadable segment holding {@code length} bytes at {@code address}, if any. */
    public static Optional<Segment> find(List<Segment> segments, long address, long length) {
        return segments.stream().filter(s -> s.type() == PT_LOAD && s.contains(address, length)).findFirst();
    }
}
