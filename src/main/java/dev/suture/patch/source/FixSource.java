package dev.suture.patch.source;

import dev.suture.SutureException;
import dev.suture.kernel.build.SourceText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A fix as read from disk, once: its bytes, which the manifest's source hash is taken of (so it equals the
 * file's {@code sha256sum}), and the text both front-ends parse.
 */
public record FixSource(Path path, byte[] bytes) {
    public static FixSource read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new SutureException("no such fix: " + path, "give the path of a function file (.c) or a diff (.diff, .patch)");
        }
        try {
            return new FixSource(path, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new SutureException("cannot read " + path + ": " + e.getMessage(), "give a readable fix file", e);
        }
    }

    public String fileName() {
        return path.getFileName().toString();
    }

    /** The text: UTF-8 when the bytes are UTF-8, else ISO-8859-1, byte for byte. */
    public String text() {
        return SourceText.decode(bytes).text();
    }

    public boolean isDiff() {
        return fileName().endsWith(".diff") || fileName().endsWith(".patch");
    }

    public boolean isFunctionFile() {
        return fileName().endsWith(".c");
    }

    /** Refuses a file that is neither kind of fix, before anything is fetched or compiled for it. */
    public FixSource requireKnownKind() {
        if (!isDiff() && !isFunctionFile()) {
            throw new SutureException(path + " is neither a function file (.c) nor a source diff (.diff, .patch)",
                    "write the fix as replacement functions in a .c file, or give a unified diff of the kernel source");
        }
        return this;
    }

    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
