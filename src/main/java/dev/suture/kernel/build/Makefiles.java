package dev.suture.kernel.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** What a kernel tree's kbuild Makefiles say about a file, read from the pristine source. */
public final class Makefiles {
    private Makefiles() {
    }

    /**
     * Whether a {@code .c} file is not a unit of its own but included by one: no Makefile (or Kbuild file) of its
     * directory names its object ({@code kernel/sched/build_utility.c} includes {@code psi.c}, say).
     */
    public static boolean isIncludedSource(Path sourceRoot, String path) {
        if (!path.endsWith(".c")) {
            return false;
        }
        Path file = Path.of(path);
        String object = file.getFileName().toString().replaceFirst("\\.c$", ".o");
        Path dir = sourceRoot.resolve(file.getParent() == null ? "" : file.getParent().toString());
        Pattern named = Pattern.compile("(^|[\\s=+:])" + Pattern.quote(object) + "\\b");
        boolean anyMakefile = false;
        for (String makefile : List.of("Makefile", "Kbuild")) {
            Path m = dir.resolve(makefile);
            if (!Files.isRegularFile(m)) {
                continue;
            }
            anyMakefile = true;
            try {
                if (named.matcher(Files.readString(m, StandardCharsets.ISO_8859_1)).find()) {
                    return false;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // No Makefile there at all (a generated or unusual layout): take it as a unit and let kbuild say.
        return anyMakefile;
    }
}
