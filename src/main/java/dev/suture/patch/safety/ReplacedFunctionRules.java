package dev.suture.patch.safety;

import dev.suture.kernel.symbols.KernelSymbol;
import dev.suture.kernel.symbols.KernelSymbols;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The rules for a function a function file names to replace (diffs find theirs in the object diff and meet the
 * same rules in {@link SafetyRules}): it must exist in the target kernel's object, be one function (or carry a
 * position), be live code rather than init code, and have an ftrace call site.
 */
public final class ReplacedFunctionRules {
    private ReplacedFunctionRules() {
    }

    /** The kernel's function a replacement means, or why it cannot be replaced. */
    public sealed interface Verdict {
    }

    public record Replaceable(KernelSymbol original) implements Verdict {
    }

    public record NotReplaceable(Refusal refusal) implements Verdict {
    }

    /**
     * @param file     the fix's file name, as refusals name it
     * @param line     the line of the annotation
     * @param object   {@code vmlinux} or a module name
     * @param name     the function to replace
     * @param position livepatch's position among namesakes, 0 when none was given
     * @param replacement the fix's function that replaces it, for the remedy
     */
    public static Verdict check(String file, int line, String object, String name, int position, String replacement,
                                KernelSymbols symbols) {
        List<KernelSymbol> functions = symbols.named(name).stream().filter(KernelSymbol::function).toList();
        if (functions.isEmpty()) {
            return refuse(Refusal.Rule.UNKNOWN_FUNCTION, file, line,
                    object + " has no function '" + name + "' (closest: " + String.join(", ", symbols.closest(name, 5)) + ")",
                    "name a function of the target kernel"
                            + ("vmlinux".equals(object) ? ", or SUTURE_REPLACE_IN(module, ...) for a module" : ""));
        }
        KernelSymbol original;
        if (position == 0) {
            if (functions.size() > 1) {
                String list = functions.stream().map(f -> "    " + f.describe()).collect(Collectors.joining("\n"));
                return refuse(Refusal.Rule.AMBIGUOUS_NAME, file, line,
                        object + " has " + functions.size() + " functions named '" + name + "':\n" + list,
                        "pick one: SUTURE_REPLACE_AT(" + object + ", " + name + ", POSITION, " + replacement + ");");
            }
            original = functions.getFirst();
        } else {
            var at = functions.stream().filter(f -> f.position() == position).findFirst();
            if (at.isEmpty()) {
                return refuse(Refusal.Rule.AMBIGUOUS_NAME, file, line,
                        "position " + position + " of '" + name + "' does not exist in " + object
                                + " (it has " + functions.size() + ")",
                        "positions run from 1 to " + functions.size() + "; 0 only for a unique name");
            }
            original = at.get();
        }
        var init = Refusals.initKind(symbols.sectionName(original));
        if (init.isPresent()) {
            return new NotReplaceable(Refusals.initCode(file, line, original.describe(), init.get()));
        }
        if (!symbols.traceable(original)) {
            return new NotReplaceable(Refusals.notrace(file, line, original.describe(),
                    "built notrace or noinstr, e.g. entry or low-level code"));
        }
        return new Replaceable(original);
    }

    private static NotReplaceable refuse(Refusal.Rule rule, String file, int line, String finding, String remedy) {
        return new NotReplaceable(new Refusal(rule, file, line, finding, remedy));
    }
}
