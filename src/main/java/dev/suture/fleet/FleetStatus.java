package dev.suture.fleet;

import dev.suture.SutureException;
import dev.suture.channel.SshChannel;
import dev.suture.machine.Edition;
import dev.suture.machine.EditionStore;
import dev.suture.machine.MachineStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The status of every machine of an inventory, asked in parallel, at most {@code parallel} at once, each over its
 * own SSH connection with its own timeouts: one machine that does not answer is reported as such and never holds
 * up the others' answers.
 */
public final class FleetStatus {
    private FleetStatus() {
    }

    /**
     * One machine's answer: its status and when its editions last changed, or why it could not be asked.
     *
     * @param lastChange when an edition was last applied there (null if none ever was)
     */
    public record HostStatus(String host, String target, MachineStatus status, Instant lastChange, String error) {
        public boolean reached() {
            return status != null;
        }
    }

    public static List<HostStatus> query(List<FleetHost> hosts, int parallel, long limitSeconds) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallel, hosts.size())));
        try {
            List<Future<HostStatus>> answers = new ArrayList<>();
            for (FleetHost h : hosts) {
                answers.add(pool.submit(() -> ask(h)));
            }
            List<HostStatus> all = new ArrayList<>();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
            for (int i = 0; i < hosts.size(); i++) {
                FleetHost h = hosts.get(i);
                try {
                    all.add(answers.get(i).get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    answers.get(i).cancel(true);
                    all.add(new HostStatus(h.name(), h.target(), null, null, "no answer within " + limitSeconds + " s"));
                } catch (java.util.concurrent.ExecutionException e) {
                    all.add(new HostStatus(h.name(), h.target(), null, null, String.valueOf(e.getCause())));
                }
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static HostStatus ask(FleetHost h) {
        SshChannel channel = null;
        try {
            channel = SshChannel.connect(h.address(), h.ssh());
            MachineStatus status = MachineStatus.read(channel);
            Instant last = new EditionStore(channel).list().stream().map(Edition::appliedAt)
                    .filter(java.util.Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
            return new HostStatus(h.name(), h.target(), status, last, null);
        } catch (SutureException e) {
            return new HostStatus(h.name(), h.target(), null, null, e.getMessage());
        } catch (java.io.IOException | RuntimeException e) {
            return new HostStatus(h.name(), h.target(), null, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }
}
