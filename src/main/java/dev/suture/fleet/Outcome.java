package dev.suture.fleet;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What one command did to one machine, as the fleet report names it. */
public enum Outcome {
    APPLIED, REVERTED, INSTALLED, UNINSTALLED,
    /** The transition did not finish by the deadline and was taken back: the kernel runs the old code. */
    ROLLED_BACK,
    /** The transition did not finish by the deadline and was left running (--on-timeout leave). */
    LEFT_IN_TRANSITION,
    /** The module directory has no module for the kernel build this machine runs: nothing was done. */
    NO_MODULE,
    /** The running code of a replaced function is not what the patch was built against: nothing was loaded. */
    REFUSED_BY_RUN_PRE,
    /** Refused before loading for another reason (kernel, signatures, a rule such as never-quiescent). */
    REFUSED,
    /** Applied, but the health check after the soak failed, and the patch was reverted. */
    UNHEALTHY,
    /** Suture could not reach or log in to the machine. */
    UNREACHABLE,
    /** Anything else that went wrong after something was loaded. */
    FAILED,
    /** A machine of a later wave, left alone because the rollout halted. */
    NOT_REACHED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the rollout may go on after this machine: it did what was asked, or was rightly left alone. */
    public boolean letsRolloutContinue() {
        return switch (this) {
            case APPLIED, REVERTED, INSTALLED, UNINSTALLED, NO_MODULE -> true;
            default -> false;
        };
    }
}
