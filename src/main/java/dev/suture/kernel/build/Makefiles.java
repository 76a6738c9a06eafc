package dev.suture.kernel.build;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
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

    /**
     * The config options kbuild's Makefiles make a unit depend on, innermost first: {@code obj-$(CONFIG_X) += foo.o}
     * in its directory, a composite object's own line ({@code snd-y := init.o}, then {@code obj-$(CONFIG_SND) +=
     * snd.o}), and each directory above that adds this one ({@code obj-$(CONFIG_SND) += core/}). Only what the
     * Makefiles say plainly; conditionals ({@code ifeq}) are not evaluated.
     */
    public static List<String> gatingOptions(Path sourceRoot, String unit) {
        List<String> options = new java.util.ArrayList<>();
        Path file = Path.of(unit);
        Path dir = file.getParent();
        String target = file.getFileName().toString().replaceFirst("\\.c$", ".o");
        for (int step = 0; step < 32; step++) {
            java.util.Optional<String> lhs = assignmentNaming(sourceRoot.resolve(dir == null ? "" : dir.toString()), target);
            if (lhs.isPresent()) {
                Matcher gate = GATE.matcher(lhs.get());
                String option = gate.find() ? gate.group(1) : null;
                if (option != null && !options.contains(option)) {
                    options.add(option);
                }
                Matcher composite = COMPOSITE.matcher(lhs.get());
                if (!lhs.get().startsWith("obj-") && composite.matches()) {
                    target = composite.group(1) + ".o";  // a part of a composite object: follow the object
                    continue;
                }
            }
            if (dir == null) {
                break;
            }
            target = dir.getFileName() + "/";
            dir = dir.getParent();
        }
        return options;
    }

    private static final Pattern GATE = Pattern.compile("\\$\\((CONFIG_\\w+)\\)");
    private static final Pattern COMPOSITE = Pattern.compile("([\\w-]+?)-(?:y|objs|\\$\\(CONFIG_\\w+\\))");
    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*([\\w$()-]+)\\s*[:+?]?=(.*)$");

    /** The left-hand side of the first assignment in a directory's Makefiles that lists {@code target}. */
    private static java.util.Optional<String> assignmentNaming(Path dir, String target) {
        for (String makefile : List.of("Makefile", "Kbuild")) {
            Path m = dir.resolve(makefile);
            if (!Files.isRegularFile(m)) {
                continue;
            }
            String text;
            try {
                text = Files.readString(m, StandardCharsets.ISO_8859_1).replace("\\\n", " ");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : text.split("\n")) {
                Matcher a = ASSIGNMENT.matcher(line);
                if (a.matches() && java.util.Arrays.asList(a.group(2).trim().split("\\s+")).contains(target)) {
                    return java.util.Optional.of(a.group(1));
                }
            }
        }
        return java.util.Optional.empty();
    }
}
