package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The target kernel's vmlinux (over half a gigabyte): its symbols read quickly, and it writes back unchanged. */
class VmlinuxTest {
    @Test
    void symbolsAreReadQuicklyAndMatchReadelf() throws IOException {
        Path vmlinux = TargetKernel.vmlinux();
        ElfFile.read(vmlinux); // warm up the page cache and the JIT
        long start = System.nanoTime();
        ElfFile elf = ElfFile.read(vmlinux);
        SymbolTable symbols = elf.symbols();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(symbols.size()).isGreaterThan(100_000);
        assertThat(millis).as("milliseconds to read the symbols").isLessThan(3_000);
        assertThat(elf.header().type()).isEqualTo(Elf.ET_EXEC);
        assertThat(elf.header().machine()).isEqualTo(Elf.EM_X86_64);

        // Not -r: the debug info alone has millions of relocations.
        Readelf readelf = Readelf.of(vmlinux, "-S", "-s");
        assertThat(readelf.sections).hasSize(elf.sectionCount());
        assertThat(readelf.symbols).hasSize(symbols.size());
        List<Symbol> list = symbols.list();
        for (Readelf.SymbolRow row : readelf.symbols) {
            Symbol symbol = list.get(row.index());
            String name = symbol.type() == Elf.STT_SECTION ? elf.symbolName(row.index()) : symbol.name();
            assertThat(name).isEqualTo(row.name());
            assertThat(symbol.value()).isEqualTo(row.value());
            assertThat(symbol.size()).isEqualTo(row.size());
            assertThat(Elf.symbolTypeName(symbol.type())).isEqualTo(row.type());
            assertThat(Elf.bindName(symbol.bind())).isEqualTo(row.bind());
        }
        Symbol schedule = symbols.find("schedule").orElseThrow();
        assertThat(schedule.type()).isEqualTo(Elf.STT_FUNC);
        assertThat(elf.sectionOf(schedule).orElseThrow().name()).isEqualTo(".text");
    }

    @Test
    void writesBackIdentical() throws IOException {
        Path vmlinux = TargetKernel.vmlinux();
        ElfFile elf = ElfFile.read(vmlinux);
        try (ComparingChannel compare = new ComparingChannel(vmlinux)) {
            elf.write(compare);
            assertThat(compare.position).isEqualTo(Files.size(vmlinux));
        }
    }

    /** Checks what is written against a file, front to back, without keeping either in memory. */
    private static final class ComparingChannel implements WritableByteChannel {
        private final FileChannel expected;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        long position;

        ComparingChannel(Path file) throws IOException {
            expected = FileChannel.open(file, StandardOpenOption.READ);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            while (src.hasRemaining()) {
                buffer.clear().limit(Math.min(buffer.capacity(), src.remaining()));
                while (buffer.hasRemaining()) {
                    if (expected.read(buffer, position + buffer.position()) < 0) {
                        throw new AssertionError("written past the end of the file, at " + position);
                    }
                }
                buffer.flip();
                ByteBuffer chunk = src.slice(src.position(), buffer.limit());
                int mismatch = chunk.mismatch(buffer);
                if (mismatch >= 0) {
                    throw new AssertionError("first difference at offset " + (position + mismatch));
                }
                src.position(src.position() + buffer.limit());
                position += buffer.limit();
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return expected.isOpen();
        }

        @Override
        public void close() throws IOException {
            expected.close();
        }
    }
}
