package dev.suture.kernel.debian;

import dev.suture.SutureException;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Debian kernel release string such as {@code 6.1.0-56-cloud-amd64}: upstream base, ABI number, flavour.
 * It names one package set (image, headers, -dbg) and is what {@code uname -r} prints on the target.
 */
public record KernelRelease(String base, int abi, String flavour) implements Comparable<KernelRelease> {
    private static final Pattern FORM = Pattern.compile("(\\d+\\.\\d+\\.\\d+)-(\\d+)-([a-z0-9][a-z0-9-]*)");

    public static final Comparator<KernelRelease> ORDER = Comparator
            .comparing((KernelRelease r) -> r.base, KernelRelease::compareDotted)
            .thenComparingInt(KernelRelease::abi)
            .thenComparing(KernelRelease::flavour);

    public static KernelRelease parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new SutureException("not a Debian kernel release: '" + text + "'",
                    "releases look like 6.1.0-56-cloud-amd64; see 'suture kernel list-available'");
        }
        return new KernelRelease(m.group(1), Integer.parseInt(m.group(2)), m.group(3));
    }

    public static boolean isRelease(String text) {
        return text != null && FORM.matcher(text.trim()).matches();
    }

    /** The ABI name shared by all flavours of one upload, e.g. {@code 6.1.0-56}; the -common headers use it. */
    public String abiName() {
        return base + "-" + abi;
    }

    /** Major.minor, e.g. {@code 6.1}: names the linux-kbuild and linux-source packages. */
    public String series() {
        return base.substring(0, base.lastIndexOf('.'));
    }

    @Override
    public String toString() {
        return base + "-" + abi + "-" + flavour;
    }

    @Override
    public int compareTo(KernelRelease other) {
        return ORDER.compare(this, other);
    }

    private static int compareDotted(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
