package dev.suture.kernel;

import dev.suture.Progress;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive use of one release in the cache, between processes (a file lock) and between threads of this
 * process (file locks are per process, so threads queue on a plain lock first). Held while a fetch assembles
 * the release or while it is removed; the lock file stays, since deleting it would race with a waiter.
 */
public final class ReleaseLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private ReleaseLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Blocks until the release is free, saying so once when another process holds it. */
    public static ReleaseLock acquire(Path lockFile, String what, Progress progress) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        threadLock.lock();
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                progress.say("waiting for another Suture process working on " + what + " ...");
                lock = channel.lock();
            }
            return new ReleaseLock(threadLock, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw new SutureException("cannot lock " + key + ": " + e.getMessage(),
                    "check that the cache directory is writable", e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw e;
        }
    }

    /** The lock if nobody holds it now, else empty: for work that should skip what is in use rather than wait. */
    public static java.util.Optional<ReleaseLock> tryAcquire(Path lockFile) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        if (!threadLock.tryLock()) {
            return java.util.Optional.empty();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return java.util.Optional.of(new ReleaseLock(threadLock, channel, lock));
            }
            closeQuietly(channel);
            threadLock.unlock();
            return java.util.Optional.empty();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            // This thread holds it already (the JVM cannot lock a file twice): it is in use.
            closeQuietly(channel);
            threadLock.unlock();
            return java.util.Optional.empty();
        } catch (IOException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw new SutureException("cannot lock " + key + ": " + e.getMessage(),
                    "check that the cache directory is writable", e);
        }
    }

    @Override
    public void close() {
        try {
            fileLock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it as well.
        } finally {
            closeQuietly(channel);
            threadLock.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing left to release.
            }
        }
    }
}
