package dev.suture.patch.source;

/**
 * A livepatch callback of one object ({@code vmlinux} or a module): {@code function} runs at {@code kind}'s
 * moment of the update. {@code line} is where its annotation stands in the function file.
 */
public record Callback(String object, Kind kind, String function, int line) {

    /** The four moments of livepatch's {@code struct klp_callbacks}, in the order they run. */
    public enum Kind {
        PRE_PATCH("pre_patch"),
        POST_PATCH("post_patch"),
        PRE_UNPATCH("pre_unpatch"),
        POST_UNPATCH("post_unpatch");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        /** The member of {@code struct klp_callbacks} it fills. */
        public String field() {
            return field;
        }

        /** What the function returns: pre_patch may refuse the patch with an error, the others cannot. */
        public String returnType() {
            return this == PRE_PATCH ? "int" : "void";
        }

        /** The annotation naming it for vmlinux ({@code SUTURE_PRE_PATCH}); {@code _IN} takes an object. */
        public String annotation() {
            return "SUTURE_" + name();
        }
    }

    public boolean inVmlinux() {
        return Replacement.VMLINUX.equals(object);
    }
}
