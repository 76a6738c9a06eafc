package dev.suture.kernel.build;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The make runs of this process, stopped with it. A build interrupted by a signal would otherwise leave make and
 * its compilers running as orphans in a kernel's shared work directory after the lock is gone, writing objects
 * under a later build that holds the lock.
 */
final class OwnedProcesses {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(OwnedProcesses::stopAll, "suture-stop-make"));
    }

    private OwnedProcesses() {
    }

    /** Starts the command; the caller calls {@link #done} when it has ended. */
    static Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        RUNNING.add(p);
        return p;
    }

    static void done(Process p) {
        RUNNING.remove(p);
    }

    private static void stopAll() {
        for (Process p : RUNNING) {
            p.descendants().forEach(ProcessHandle::destroy);   // sub-makes and compilers first: make may not pass it on
            p.destroy();
        }
    }
}
