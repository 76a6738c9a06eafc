package dev.suture.vm;

import java.util.List;

/**
 * Something the kernel reported that makes a VM run a failure even if the command succeeded.
 *
 * @param kind    what happened, e.g. {@code panic}, {@code oops}, {@code warning}, {@code taint}
 * @param summary the line that named it
 * @param context the console lines around it, for the report
 */
public record KernelProblem(Kind kind, String summary, List<String> context) {

    public enum Kind {
        PANIC("kernel panic"),
        OOPS("kernel oops"),
        BUG("kernel BUG"),
        WARNING("kernel WARNING"),
        LOCKUP("lockup or stall"),
        TAINT("new kernel taint");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public String describe() {
        return kind.label() + ": " + summary;
    }
}
