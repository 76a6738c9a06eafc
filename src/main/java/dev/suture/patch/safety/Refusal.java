package dev.suture.patch.safety;

/**
 * A change livepatching cannot take safely: the rule, where the change is ({@code file:line}), what the rule
 * found, and what would make the fix patchable.
 */
public record Refusal(Rule rule, String file, int line, String finding, String remedy) {
    /** The rules, by the names users see. */
    public enum Rule {
        INIT_CODE("init-code"),
        NOTRACE("notrace"),
        STRUCT_LAYOUT("struct-layout"),
        DATA_INITIALIZER("data-initializer"),
        DELETED_FUNCTION("deleted-function"),
        EXPORT_SIGNATURE("export-signature"),
        UNKNOWN_FUNCTION("unknown-function"),
        AMBIGUOUS_NAME("ambiguous-name"),
        LOAD_TIME_RELOCATION("load-time-relocation"),
        FILE_KIND("file-kind"),
        /** Found on a machine, not in the source: a thread that never leaves a replaced function. */
        NEVER_QUIESCENT("never-quiescent");

        private final String id;

        Rule(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** One line: {@code rule: file:line: finding; remedy}. */
    public String describe() {
        return rule.id() + ": " + file + (line > 0 ? ":" + line : "") + ": " + finding + "; " + remedy;
    }
}
