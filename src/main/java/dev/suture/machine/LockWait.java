package dev.suture.machine;

import java.time.Duration;

/**
 * How a command waits for another Suture command that holds a machine's lock.
 *
 * @param patience how long it may wait (the command's own deadline, its --timeout); with noWait it only bounds
 *                 the retries when a lock vanishes or is cleared as stale between two looks
 * @param noWait   refuse at once while a live holder has it (--no-wait)
 */
public record LockWait(Duration patience, boolean noWait) {
    public static LockWait upTo(Duration patience) {
        return new LockWait(patience, false);
    }

    public static LockWait never() {
        return new LockWait(Duration.ofSeconds(5), true);
    }
}
