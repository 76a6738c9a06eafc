package dev.suture.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpioWriterTest {

    /** One parsed newc entry. */
    record Entry(String name, int mode, byte[] data) {
    }

    @Test
    void writesNewcEntriesWithParentsPaddingAndTrailer() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(out)) {
            cpio.file("/etc/suture/agent.sh", "echo hi\n".getBytes(StandardCharsets.US_ASCII), 0644);
            cpio.symlink("bin/sh", "busybox");
            cpio.file("bin/busybox", new byte[] {1, 2, 3}, 0755);
        }
        List<Entry> entries = parse(out.toByteArray());

        assertThat(entries).extracting(Entry::name).containsExactly(
                "etc", "etc/suture", "etc/suture/agent.sh", "bin", "bin/sh", "bin/busybox", "TRAILER!!!");
        assertThat(entries.get(0).mode()).isEqualTo(0040755);
        assertThat(entries.get(2).mode()).isEqualTo(0100644);
        assertThat(new String(entries.get(2).data(), StandardCharsets.US_ASCII)).isEqualTo("echo hi\n");
        assertThat(entries.get(4).mode()).isEqualTo(0120777);
        assertThat(new String(entries.get(4).data(), StandardCharsets.US_ASCII)).isEqualTo("busybox");
        assertThat(entries.get(5).data()).containsExactly(1, 2, 3);
        assertThat(out.size() % 4).isZero();
    }

    @Test
    void refusesPathsThatClimbOut() {
        CpioWriter cpio = new CpioWriter(new ByteArrayOutputStream());
        assertThatThrownBy(() -> cpio.file("../etc/passwd", new byte[0], 0644))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsDotsInsideNames() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(out)) {
            cpio.file("root/a..b.txt", new byte[] {7}, 0600);
        }
        assertThat(parse(out.toByteArray())).extracting(Entry::name).contains("root/a..b.txt");
    }

    /** Reads the archive back the way the kernel's initramfs unpacker does. */
    static List<Entry> parse(byte[] archive) {
        List<Entry> entries = new ArrayList<>();
        int at = 0;
        while (true) {
            String header = new String(archive, at, 110, StandardCharsets.US_ASCII);
            assertThat(header).startsWith("070701");
            int mode = Integer.parseInt(header.substring(14, 22), 16);
            int fileSize = Integer.parseInt(header.substring(54, 62), 16);
            int nameSize = Integer.parseInt(header.substring(94, 102), 16);
            String name = new String(archive, at + 110, nameSize - 1, StandardCharsets.UTF_8);
            at = align(at + 110 + nameSize);
            byte[] data = java.util.Arrays.copyOfRange(archive, at, at + fileSize);
            at = align(at + fileSize);
            entries.add(new Entry(name, mode, data));
            if (name.equals("TRAILER!!!")) {
                return entries;
            }
        }
    }

    private static int align(int offset) {
        return (offset + 3) & ~3;
    }
}
