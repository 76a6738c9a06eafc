package dev.suture.kernel.debian;

import dev.suture.Progress;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Unpacks chosen members of a .deb with the system's own tools: {@code dpkg-deb --fsys-tarfile} into
 * {@code tar -x}. The tar stream is pumped through Java so its progress can be shown. Nothing is installed:
 * members land under a directory of ours, and maintainer scripts never run.
 */
public final class DebExtractor {
    private static final int BUFFER = 1 << 20;
    private static final String DPKG_HINT = "install dpkg and tar (Debian has both)";
    private final Progress progress;

    public DebExtractor(Progress progress) {
        this.progress = progress;
    }

    /**
     * Extracts {@code members} (archive paths such as {@code ./usr/src/linux-headers-R}; a directory brings
     * its whole subtree) into {@code dir}.
     *
     * @param unpackedBytes    roughly how big the tar stream is, for the progress bar; not positive if unknown
     * @param stopWhenExtracted stop reading once every member is out, instead of reading the archive to its
     *                         end; worth it when a small member sits early in a large package
     */
    public void extract(Path deb, Path dir, List<String> members, long unpackedBytes, String label,
                 boolean stopWhenExtracted) {
        List<String> dpkgCommand = List.of("dpkg-deb", "--fsys-tarfile", deb.toString());
        List<String> tarCommand = new ArrayList<>(List.of("tar", "-x", "-C", dir.toString()));
        if (stopWhenExtracted) {
            tarCommand.add("--occurrence=1");
        }
        tarCommand.add("--");
        tarCommand.addAll(members);

        Process dpkg = HostCommand.start(new ProcessBuilder(dpkgCommand), DPKG_HINT);
        Process tar = HostCommand.start(
                new ProcessBuilder(tarCommand).redirectOutput(ProcessBuilder.Redirect.DISCARD), DPKG_HINT);
        CompletableFuture<String> dpkgErrors = HostCommand.drain(dpkg.getErrorStream());
        CompletableFuture<String> tarErrors = HostCommand.drain(tar.getErrorStream());
        try {
            dpkg.getOutputStream().close();
            boolean tarStoppedEarly = pump(dpkg.getInputStream(), tar.getOutputStream(), unpackedBytes, label);
            int tarExit = tar.waitFor();
            if (tarExit != 0) {
                throw HostCommand.failure(tarCommand, tarExit, tarErrors.join());
            }
            if (tarStoppedEarly) {
                // tar has all it wanted; the rest of the archive is not needed.
                dpkg.destroy();
                dpkg.waitFor();
                return;
            }
            int dpkgExit = dpkg.waitFor();
            if (dpkgExit != 0) {
                throw HostCommand.failure(dpkgCommand, dpkgExit, dpkgErrors.join());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while unpacking " + deb.getFileName(), null, e);
        } finally {
            dpkg.destroyForcibly();
            tar.destroyForcibly();
        }
    }

    /** Copies the tar stream; returns true when tar closed its input before the stream ended. */
    private boolean pump(InputStream from, OutputStream to, long total, String label) {
        try (Progress.Task task = progress.start(label, total)) {
            byte[] buffer = new byte[BUFFER];
            try (from) {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    try {
                        to.write(buffer, 0, n);
                    } catch (IOException brokenPipe) {
                        task.finish();
                        return true;
                    }
                    task.advance(n);
                }
            } catch (IOException e) {
                throw new SutureException("cannot read the package stream: " + e.getMessage(), null, e);
            }
            task.finish();
            return false;
        } finally {
            try {
                to.close();
            } catch (IOException ignored) {
                // tar has gone; its exit status says whether that was a failure.
            }
        }
    }
}
