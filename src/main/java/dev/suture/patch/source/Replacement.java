package dev.suture.patch.source;

/**
 * One function a fix replaces: the kernel's {@code oldName} in {@code object} ({@code vmlinux} or a module),
 * at livepatch position {@code position} (0: the name is unique; n: the n-th in kallsyms order), by the
 * fix's {@code newName}. {@code line} is where the annotation stands in the function file.
 */
public record Replacement(String object, String oldName, int position, String newName, int line) {
    public static final String VMLINUX = "vmlinux";

    public boolean inVmlinux() {
        return VMLINUX.equals(object);
    }
}
