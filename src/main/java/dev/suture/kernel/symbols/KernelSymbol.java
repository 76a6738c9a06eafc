package dev.suture.kernel.symbols;

/**
 * One symbol of a kernel object (vmlinux or a module) as livepatch sees it.
 *
 * @param object   {@code vmlinux} or the module name
 * @param address  link-time address (vmlinux) or offset in its section (module)
 * @param function true for code (STT_FUNC), false for data
 * @param global   false for static (file-local) symbols
 * @param file     the source file a static symbol comes from (its STT_FILE), or "" when unknown
 * @param unit     which translation unit a static symbol belongs to (the index of its STT_FILE symbol; two
 *                 files of the same name are different units), -1 for globals
 * @param position livepatch's sympos: 0 when the name is unique in the object, else 1, 2, ... in kallsyms order
 * @param count    how many symbols of that name the object has
 */
public record KernelSymbol(String object, String name, long address, long size, boolean function, boolean global,
                           String file, int unit, int position, int count) {

    /** Whether both are static symbols of one translation unit. */
    public boolean sameUnit(KernelSymbol other) {
        return unit >= 0 && unit == other.unit && object.equals(other.object);
    }

    public boolean unique() {
        return count == 1;
    }

    /** How a person tells this one from its namesakes. */
    public String describe() {
        return String.format("%s %s%s at 0x%x (%s, position %d)", object, name, file.isEmpty() ? "" : " in " + file,
                address, function ? "function" : "data", position);
    }
}
