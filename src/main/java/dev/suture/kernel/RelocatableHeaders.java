package dev.suture.kernel;

import dev.suture.SutureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes a flavour's headers tree work wherever it is unpacked. Debian's {@code linux-headers-RELEASE/Makefile}
 * is one line, {@code include /usr/src/linux-headers-ABI-common/Makefile}: an absolute path that only holds
 * once the package is installed. The common tree sits beside it in the cache too, so the include is rewritten
 * relative to the Makefile's own directory. The trees' other links ({@code scripts}, {@code tools}) are
 * already relative.
 */
final class RelocatableHeaders {
    private static final Pattern ABSOLUTE_INCLUDE =
            Pattern.compile("(?m)^include\\s+/usr/src/([^/\\s]+)/Makefile\\s*$");

    private RelocatableHeaders() {
    }

    /** The Makefile text with its absolute include made relative; fails on a layout it does not know. */
    static String rewrite(String makefile) {
        Matcher m = absoluteInclude(makefile);
        // MAKEFILE_LIST's last word is this Makefile while its first line is read; realpath makes it absolute.
        String relative = "# Relocatable: the common tree is found beside this one, wherever both are unpacked.\n"
                + "include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../" + m.group(1) + "/Makefile";
        String rewritten = m.replaceFirst(Matcher.quoteReplacement(relative));
        return rewritten.endsWith("\n") ? rewritten : rewritten + "\n";
    }

    /** The name of the common tree the Makefile includes, e.g. {@code linux-headers-6.1.0-56-common}. */
    static String includedTree(String makefile) {
        return absoluteInclude(makefile).group(1);
    }

    private static Matcher absoluteInclude(String makefile) {
        Matcher m = ABSOLUTE_INCLUDE.matcher(makefile);
        if (!m.find()) {
            throw new SutureException("the headers Makefile does not include a tree under /usr/src: "
                    + makefile.strip(), "this Debian kernel's headers are laid out differently; "
                    + "report the release to Suture's maintainers");
        }
        return m;
    }

    /** Rewrites {@code headersDir/Makefile} in place. */
    static void apply(Path headersDir) {
        Path makefile = headersDir.resolve("Makefile");
        try {
            Files.writeString(makefile, rewrite(Files.readString(makefile)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
