package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.source.SymbolChoice;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What a front-end hands the shared ending of a build, its build directory already holding the glue, the
 * {@code Kbuild} file and the code: the manifest to carry, and what symbol resolution needs.
 *
 * @param fixName        the fix's file name, as messages name it
 * @param patchedModules the modules the patch replaces functions of (their symbols become klp relocations)
 * @param choices        the fix's explicit choices among namesakes ({@code SUTURE_SYMBOL_AT})
 * @param originals      the replaced functions, whose translation units resolve same-named statics
 * @param placeholders   references the extracted objects carry to the kernel's own statics
 * @param newSymbols     the global functions and data the fix adds, defined in the module itself (a diff's;
 *                       a function file's own helpers are in its one object, and it has none here)
 * @param units          the decisions per compiled unit (diffs), for the report
 * @param notes          what the build skipped or dropped, for the report
 * @param linkFailure    the message when kbuild fails on the directory, given its output
 */
record ModulePlan(PatchManifest manifest, String fixName, Map<String, KernelSymbols> patchedModules,
                  List<SymbolChoice> choices, List<KernelSymbol> originals,
                  Map<String, SymbolResolver.Resolution.Livepatch> placeholders, Set<String> newSymbols,
                  List<UnitResult> units,
                  List<String> notes, Function<String, SutureException> linkFailure) {
}
