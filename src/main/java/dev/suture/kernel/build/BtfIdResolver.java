package dev.suture.kernel.build;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Fills a module's BTF ID slots ({@code BTF_ID_LIST}, {@code BTF_SET_START}, the {@code .BTF_ids} section) with the
 * kernel's own {@code resolve_btfids}, which {@code make prepare} builds in the prepared source tree. The compiler
 * leaves them zero: the kernel's link fills its own from its BTF, and kbuild skips that for an external module
 * (no vmlinux beside the headers), so without this a patched function's set would be empty (every lookup in it
 * fails) and its list's types unknown.
 *
 * <p>Slots are filled from the BTF of the object the code runs beside: vmlinux's, or a module's on vmlinux's as its
 * base, so they hold the numbers the running kernel's copies hold.
 */
public final class BtfIdResolver {
    /** How long the tool may take: it reads the kernel's BTF (a few MB) and writes one small section. */
    private static final long TIMEOUT_SECONDS = 120;

    private BtfIdResolver() {
    }

    /**
     * Fills {@code module}'s slots in place from {@code btf} (a vmlinux, or a module with {@code base} its vmlinux).
     *
     * @return the slots the BTF has no type for (the tool's warnings; such a slot stays zero, as the kernel's own
     *         copy of it does when its configuration leaves the type out)
     */
    public static List<String> resolve(SourceTree tree, Path module, Path btf, Optional<Path> base) throws IOException {
        String again = "prepare the kernel's source again: suture cache prune source:" + tree.release()
                + " && suture kernel source " + tree.release();
        Path tool = tree.build().resolve("tools/bpf/resolve_btfids/resolve_btfids");
        if (!Files.isExecutable(tool)) {
            throw new SutureException("the prepared source of " + tree.release() + " has no resolve_btfids (" + tool + ")", again);
        }
        List<String> command = new ArrayList<>(List.of(tool.toString(), "--btf", btf.toString()));
        base.ifPresent(b -> command.addAll(List.of("-b", b.toString())));
        command.add(module.toString());
        // Output to a file beside the module (the build's private directory): a pipe read to its end would wait
        // past the time limit for a tool that hangs.
        Path log = module.resolveSibling(module.getFileName() + ".resolve_btfids.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SutureException("resolve_btfids did not finish within " + TIMEOUT_SECONDS + " s on " + module,
                        again);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted while resolving BTF IDs", null, e);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new SutureException("resolve_btfids could not fill the module's BTF ID slots: "
                    + output.strip().lines().reduce((a, b) -> b).orElse("exit " + p.exitValue()),
                    "this is a Suture bug; report it with the fix and the kernel release");
        }
        return output.lines().filter(l -> l.contains("unresolved symbol"))
                .map(l -> l.substring(l.indexOf("unresolved symbol") + "unresolved symbol".length()).strip()).toList();
    }
}
