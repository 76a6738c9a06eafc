package dev.suture.vm;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per entry,
 * name and data each padded to 4 bytes, closed by a TRAILER!!! entry. Parent directories are
 * emitted on demand so callers only name the files they care about.
 */
final class CpioWriter implements AutoCloseable {
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private final OutputStream out;
    private final Set<String> directories = new HashSet<>();
    private long offset;
    private int nextInode = 1;

    public CpioWriter(OutputStream out) {
        this.out = new BufferedOutputStream(out, 1 << 16);
    }

    public void directory(String path) throws IOException {
        String p = normalize(path);
        if (p.isEmpty() || !directories.add(p)) {
            return;
        }
        parents(p);
        entry(p, S_IFDIR | 0755, new byte[0]);
    }

    public void file(String path, byte[] data, int mode) throws IOException {
        String p = normalize(path);
        parents(p);
        entry(p, S_IFREG | (mode & 07777), data);
    }

    public void file(String path, Path source, int mode) throws IOException {
        file(path, Files.readAllBytes(source), mode);
    }

    public void symlink(String path, String target) throws IOException {
        String p = normalize(path);
        parents(p);
        entry(p, S_IFLNK | 0777, target.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
        out.flush();
        out.close();
    }

    private void parents(String p) throws IOException {
        int slash = p.lastIndexOf('/');
        if (slash > 0) {
            directory(p.substring(0, slash));
        }
    }

    private void entry(String name, int mode, byte[] data) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        boolean dir = (mode & 0170000) == S_IFDIR;
        String header = "070701"
                + hex(nextInode++) + hex(mode) + hex(0) + hex(0)
                + hex(dir ? 2 : 1) + hex(0) + hex(data.length)
                + hex(0) + hex(0) + hex(0) + hex(0)
                + hex(nameBytes.length) + hex(0);
        write(header.getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
        write(data);
        pad();
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        offset += bytes.length;
    }

    private void pad() throws IOException {
        while (offset % 4 != 0) {
            out.write(0);
            offset++;
        }
    }

    private static String hex(long value) {
        return String.format("%08x", value);
    }

    private static String normalize(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (java.util.Arrays.asList(p.split("/")).contains("..")) {
            throw new IllegalArgumentException("initramfs path must not contain '..': " + path);
        }
        return p;
    }
}
