package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.suture.SutureException;
import dev.suture.channel.LocalChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine lock's rules against this host's shell, with the lock's root in a temporary directory. */
class MachineLockTest {
    private static final Duration LEASE = Duration.ofMinutes(5);

    @TempDir
    Path root;

    private final List<TransitionEvent> events = new CopyOnWriteArrayList<>();
    private final ThisHost here = ThisHost.current();

    private MachineLock lock;

    @BeforeEach
    void setUp() {
        lock = new MachineLock(new LocalChannel(), root.toString(), here, events::add);
    }

    @Test
    void isTakenAsOneSymlinkNamingItsHolderAndReleased() throws Exception {
        try (MachineLock.Held held = lock.acquire("apply suture_a", LEASE, LockWait.never())) {
            Path link = root.resolve("lock");
            assertThat(Files.isSymbolicLink(link)).isTrue();
            LockHolder holder = LockHolder.parse(Files.readSymbolicLink(link).toString());
            assertThat(holder).isInstanceOf(LockHolder.Known.class);
            LockHolder.Known known = (LockHolder.Known) holder;
            assertThat(known.command()).isEqualTo("apply suture_a");
            assertThat(known.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(known.until() - known.since()).isEqualTo(LEASE.toSeconds());
            assertThat(holder.staleBecause(here, known.since())).isEmpty();
        }
        assertThat(root.resolve("lock")).doesNotExist();
        assertThat(Files.isSymbolicLink(root.resolve("lock"))).isFalse();
    }

    @Test
    void noWaitRefusesAtOnceInOneLineNamingTheHolder() throws Exception {
        try (MachineLock.Held held = lock.acquire("apply suture_a", LEASE, LockWait.never())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> lock.acquire("apply suture_b", LEASE, LockWait.never()))
                    .isInstanceOfSatisfying(SutureException.class, e -> {
                        assertThat(e.getMessage()).contains("is busy", "'suture apply suture_a'",
                                "pid " + ProcessHandle.current().pid(), " on " + here.host(), "since ").doesNotContain("\n");
                        assertThat(e.fix()).contains("--no-wait");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aWaiterGetsTheLockWhenItsHolderReleasesIt() throws Exception {
        MachineLock.Held first = lock.acquire("revert --all", LEASE, LockWait.never());
        Thread releaser = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1500);
                first.close();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long start = System.nanoTime();
        try (MachineLock.Held second = lock.acquire("apply suture_b", LEASE, LockWait.upTo(Duration.ofSeconds(20)))) {
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1000));
            assertThat(((LockHolder.Known) LockHolder.parse(Files.readSymbolicLink(root.resolve("lock")).toString()))
                    .command()).isEqualTo("apply suture_b");
        }
        releaser.join();
        assertThat(events).singleElement().isInstanceOfSatisfying(TransitionEvent.Waiting.class,
                w -> assertThat(w.describe()).contains("'suture revert --all'", "at most 20 s"));
    }

    @Test
    void waitingEndsAtTheCommandsDeadline() throws Exception {
        try (MachineLock.Held held = lock.acquire("switch c.ko", LEASE, LockWait.never())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> lock.acquire("apply suture_b", LEASE, LockWait.upTo(Duration.ofSeconds(2))))
                    .isInstanceOf(SutureException.class)
                    .hasMessageContaining("waited 2 s for the Suture lock")
                    .hasMessageContaining("'suture switch c.ko'")
                    .hasMessageNotContaining("\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(6));
        }
    }

    @Test
    void aLockOfAProcessOfThisHostThatEndedIsStale() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        plant(LockHolder.prefix("dead", here, gone.pid(), 0) + " 100 " + Long.MAX_VALUE / 2 + " apply suture_dead");
        try (MachineLock.Held held = lock.acquire("apply suture_b", LEASE, LockWait.never())) {
            assertThat(events).singleElement().isInstanceOfSatisfying(TransitionEvent.StaleLockCleared.class,
                    e -> assertThat(e.why()).contains("process " + gone.pid(), "has ended"));
        }
    }

    @Test
    void aLockOfThisProcessWithAnotherStartTimeIsStaleToo() throws Exception {
        // The pid was reused: the holder that wrote it started at another time.
        plant(LockHolder.prefix("reused", here, ProcessHandle.current().pid(), 1000) + " 100 200 apply suture_old");
        try (MachineLock.Held held = lock.acquire("apply suture_b", LEASE, LockWait.never())) {
            assertThat(events).hasSize(1);
        }
    }

    @Test
    void aHolderElsewhereKeepsTheLockUntilItsLeaseEnds() throws Exception {
        ThisHost elsewhere = new ThisHost("laptop", "0123");
        long now = System.currentTimeMillis() / 1000;
        plant(LockHolder.prefix("live", elsewhere, 4242, 0) + " " + now + " " + (now + 600) + " apply suture_far");
        assertThatThrownBy(() -> lock.acquire("apply suture_b", LEASE, LockWait.never()))
                .isInstanceOf(SutureException.class).hasMessageContaining("pid 4242 on laptop");

        plant(LockHolder.prefix("expired", elsewhere, 4242, 0) + " " + (now - 700) + " " + (now - 100) + " apply suture_far");
        try (MachineLock.Held held = lock.acquire("apply suture_b", LEASE, LockWait.never())) {
            assertThat(events).singleElement().isInstanceOfSatisfying(TransitionEvent.StaleLockCleared.class,
                    e -> assertThat(e.why()).contains("lease ended"));
        }
    }

    @Test
    void thisHostBeforeARebootCountsAsElsewhere() {
        LockHolder before = LockHolder.parse(LockHolder.prefix("t", new ThisHost(here.host(), "otherboot"), 1, 0)
                + " 100 200 apply x");
        assertThat(before.staleBecause(here, 150)).isEmpty();
        assertThat(before.staleBecause(here, 201)).isPresent();
    }

    @Test
    void aLockSutureCannotReadIsNeverJudgedStale() throws Exception {
        plant("someone else's lock");
        assertThatThrownBy(() -> lock.acquire("apply suture_b", LEASE, LockWait.never()))
                .isInstanceOf(SutureException.class).hasMessageContaining("an unknown holder ('someone else's lock')");
        assertThat(Files.readSymbolicLink(root.resolve("lock")).toString()).isEqualTo("someone else's lock");
    }

    @Test
    void releasingLeavesALockThatIsNoLongerOursAlone() throws Exception {
        MachineLock.Held held = lock.acquire("apply suture_a", LEASE, LockWait.never());
        plant("suture-lock v1 another laptop 0123 1 0 100 200 apply suture_b");
        held.close();
        assertThat(Files.readSymbolicLink(root.resolve("lock")).toString()).contains("another");
    }

    @Test
    void manyContendersTakeItOneAtATime() throws Exception {
        int[] inside = {0};
        int[] most = {0};
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (MachineLock.Held held = lock.acquire("apply x", LEASE, LockWait.upTo(Duration.ofSeconds(30)))) {
                    synchronized (inside) {
                        most[0] = Math.max(most[0], ++inside[0]);
                    }
                    Thread.sleep(200);
                    synchronized (inside) {
                        inside[0]--;
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(most[0]).isEqualTo(1);
        assertThat(Files.isSymbolicLink(root.resolve("lock"))).isFalse();
    }

    private void plant(String holder) throws Exception {
        Files.deleteIfExists(root.resolve("lock"));
        Files.createSymbolicLink(root.resolve("lock"), Path.of(holder));
    }
}
