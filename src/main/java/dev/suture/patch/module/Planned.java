package dev.suture.patch.module;

/** What a front-end ends with: a plan for the shared ending, or already an outcome (refused, nothing to patch). */
sealed interface Planned {
    record Ready(ModulePlan plan) implements Planned {
    }

    record Done(BuildOutcome outcome) implements Planned {
    }
}
