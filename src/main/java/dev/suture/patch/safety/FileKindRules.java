package dev.suture.patch.safety;

import java.util.ArrayList;
import java.util.List;

/**
 * Which files a diff may touch: a live patch changes the code of files the running kernel was built from, so a
 * new file, a deleted file, or a file that is neither C source nor a header (a Makefile, documentation) is
 * refused before anything compiles.
 */
final class FileKindRules {
    private FileKindRules() {
    }

    public static List<Refusal> review(List<SourceChange> files) {
        List<Refusal> out = new ArrayList<>();
        for (SourceChange f : files) {
            if (f.original() == null) {
                out.add(new Refusal(Refusal.Rule.FILE_KIND, f.path(), 0,
                        "the fix adds the file " + f.path() + ", which the running kernel was not built with",
                        "put new code into an existing file of the kernel"));
            } else if (f.patched() == null) {
                out.add(new Refusal(Refusal.Rule.FILE_KIND, f.path(), 0, "the fix deletes the file " + f.path(),
                        "a live patch can change code, not remove a file"));
            } else if (!f.path().endsWith(".h") && !f.path().endsWith(".c")) {
                out.add(new Refusal(Refusal.Rule.FILE_KIND, f.path(), 0,
                        "the fix changes " + f.path() + ", which is neither C source nor a header",
                        "leave build files and documentation out of a live patch"));
            }
        }
        return out;
    }
}
