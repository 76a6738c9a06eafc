package dev.suture.machine;

import dev.suture.SutureException;

/** The running code of a replaced function is not the code the patch was built against: nothing was loaded. */
public final class RunPreMismatch extends SutureException {
    RunPreMismatch(String cause, String fix) {
        super(cause, fix);
    }
}
