package dev.suture.patch.module;

import dev.suture.Progress;
import dev.suture.kernel.CachedKernel;
import dev.suture.manifest.Fixes;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What every step of one build works with: the target kernel, its objects' symbols, the build's own directory, and
 * what the fix fixes (for the manifest).
 */
record BuildContext(CachedKernel kernel, KernelObjects objects, Path dir, PrintStream log, Progress progress,
                    Fixes fixes) {
}
