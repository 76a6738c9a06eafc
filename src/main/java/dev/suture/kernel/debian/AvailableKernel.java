package dev.suture.kernel.debian;

/**
 * One kernel release in Debian's archive and which of its parts the archive still has.
 *
 * @param kbuild      the linux-kbuild version a fetch would use, or null when there is none at all
 * @param kbuildExact whether that kbuild version is the kernel's own
 * @param fetchable   whether {@code suture kernel fetch} can assemble it (image, headers, kbuild, dbg)
 */
public record AvailableKernel(String release, String version, String flavour, boolean headers, boolean dbg,
                              String kbuild, boolean kbuildExact, boolean source, boolean fetchable) {

    public static AvailableKernel of(KernelPackages p) {
        return new AvailableKernel(p.release().toString(), p.version().toString(), p.release().flavour(),
                p.headers() != null && p.headersCommon() != null,
                p.dbg() != null,
                p.kbuild() == null ? null : p.kbuild().version().toString(),
                p.kbuild() != null && p.kbuild().exact(),
                p.source() != null,
                p.fetchable());
    }
}
