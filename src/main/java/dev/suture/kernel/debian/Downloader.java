package dev.suture.kernel.debian;

import dev.suture.Progress;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads a file over HTTP(S) and checks it against the SHA256 the archive's signed index states, so a
 * truncated or tampered download never reaches the unpacking step. Writes to {@code NAME.part} and renames
 * only once the checksum matches.
 */
public final class Downloader {
    private static final int BUFFER = 1 << 20;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    private final Progress progress;

    public Downloader(Progress progress) {
        this.progress = progress;
    }

    /** Fetches {@code uri} into {@code target} unless a file with the expected checksum is already there. */
    public void download(URI uri, Path target, long size, String sha256, String label) {
        try {
            if (Files.isRegularFile(target) && Files.size(target) == size && sha256(target).equals(sha256)) {
                progress.say("  " + label + ": already downloaded");
                return;
            }
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            String actual = transfer(uri, partial, size, label);
            if (!actual.equals(sha256)) {
                Files.deleteIfExists(partial);
                throw new SutureException("download of " + uri + " has SHA256 " + actual + ", the archive says "
                        + sha256, "run 'apt-get update' as root (the index may be stale), then fetch again");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SutureException("cannot download " + uri + ": " + e,
                    "check the network and fetch again; finished downloads are kept", e);
        }
    }

    private String transfer(URI uri, Path partial, long size, String label) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while downloading " + uri, null, e);
        }
        MessageDigest digest = newSha256();
        try (InputStream in = response.body();
             OutputStream out = Files.newOutputStream(partial);
             Progress.Task task = progress.start(label, size)) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                task.advance(n);
            }
            task.finish();
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
