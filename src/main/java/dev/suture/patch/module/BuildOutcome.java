package dev.suture.patch.module;

import dev.suture.SutureException;
import dev.suture.manifest.PatchManifest;
import dev.suture.patch.safety.Refusal;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a build ended, as a value: a module was written, there was nothing to patch, or the rule book refused
 * the fix. Each carries the per-unit decisions (diffs), so {@code --explain} and {@code --json} show them
 * whatever the ending. Failures nobody can build past (a fix that does not compile, a missing kernel) stay
 * exceptions.
 */
public sealed interface BuildOutcome {
    List<UnitResult> units();

    /** The module: where it is, what it says about itself, and the references livepatch resolves. */
    record Built(Path module, PatchManifest manifest, List<UnitResult> units,
                 List<KlpConverter.Converted> livepatchSymbols, List<String> notes) implements BuildOutcome {
    }

    /** The fix changes no function's code: nothing to live-patch. */
    record NothingToPatch(String reason, String remedy, List<UnitResult> units) implements BuildOutcome {
    }

    /** Every refusal the rules found, each with its rule, file, line, finding and remedy. */
    record Refused(List<Refusal> refusals, List<UnitResult> units) implements BuildOutcome {
        public Refused {
            refusals = List.copyOf(refusals);
        }

        /** The refusals as the CLI prints them: a heading, then one {@code rule: file:line: finding; remedy} each. */
        public String describe() {
            return "the fix cannot be live-patched safely:\n"
                    + refusals.stream().map(r -> "  " + r.describe()).collect(Collectors.joining("\n"));
        }
    }

    /**
     * The module, for callers that need one: any other ending becomes the exception the CLI would report,
     * with the same lines.
     */
    default Built orThrow() {
        return switch (this) {
            case Built built -> built;
            case NothingToPatch none -> throw new SutureException(none.reason(), none.remedy());
            case Refused refused -> throw new SutureException(refused.describe(), refused.refusals().getFirst().remedy());
        };
    }
}
