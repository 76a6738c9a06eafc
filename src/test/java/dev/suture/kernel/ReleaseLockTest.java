package dev.suture.kernel;

import dev.suture.Progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseLockTest {
    @Test
    void secondHolderWaitsForTheFirst(@TempDir Path dir) throws Exception {
        Progress quiet = Progress.plain(new PrintStream(new ByteArrayOutputStream()));
        Path lockFile = dir.resolve("kernels/.6.1.0-56-cloud-amd64.lock");
        CountDownLatch secondGotIt = new CountDownLatch(1);
        AtomicBoolean firstStillHeld = new AtomicBoolean(true);

        Thread second;
        try (ReleaseLock _ = ReleaseLock.acquire(lockFile, "6.1.0-56-cloud-amd64", quiet)) {
            second = Thread.ofVirtual().start(() -> {
                try (ReleaseLock _ = ReleaseLock.acquire(lockFile, "6.1.0-56-cloud-amd64", quiet)) {
                    assertThat(firstStillHeld).isFalse();
                    secondGotIt.countDown();
                }
            });
            assertThat(secondGotIt.await(300, TimeUnit.MILLISECONDS)).as("second acquired while first held").isFalse();
            firstStillHeld.set(false);
        }
        assertThat(secondGotIt.await(10, TimeUnit.SECONDS)).isTrue();
        second.join();
        // Released twice over: a third holder gets it at once.
        ReleaseLock.acquire(lockFile, "6.1.0-56-cloud-amd64", quiet).close();
    }
}
