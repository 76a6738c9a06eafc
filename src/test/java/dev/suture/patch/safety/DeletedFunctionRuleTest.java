package dev.suture.patch.safety;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.kernel.symbols.KernelSymbol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deleted-function refuses a deleted function only while something the patch does not replace still calls it
 * or points at it: in the unit (whose object has every reference) or elsewhere in the running kernel.
 */
class DeletedFunctionRuleTest {
    private static final String ORIGINAL = """
            extern int sink(int);

            __attribute__((noinline)) static int helper(int x)
            {
            	return sink(x * 3) + sink(x);
            }

            __attribute__((noinline)) int shared(int x)
            {
            	return sink(x + 7) * sink(x);
            }

            int caller(int x)
            {
            	return helper(x) + shared(x);
            }
            """;
    @TempDir
    Path dir;

    @Test
    void aStaticHelperRemovedWithItsOnlyCallIsNotRefused() throws Exception {
        String patched = ORIGINAL.replace("""
                __attribute__((noinline)) static int helper(int x)
                {
                	return sink(x * 3) + sink(x);
                }

                """, "").replace("return helper(x) + shared(x);", "return -22 + shared(x);");
        ReviewedUnit.Kernel kernel = new ReviewedUnit.Kernel("vmlinux", Map.of(), Map.of());
        SafetyRules.UnitReview u = ReviewedUnit.review(dir, ORIGINAL, patched, kernel);

        assertThat(u.decisions()).anySatisfy(d -> assertThat(d.name() + " " + d.change()).isEqualTo("helper DELETED"));
        assertThat(SafetyRules.reviewUnits(List.of(u))).isEmpty();
        // The kernel was asked with the changed caller left out: its old code stops running.
        assertThat(kernel.replacedAsked()).singleElement().satisfies(replaced ->
                assertThat(replaced).extracting(KernelSymbol::name).contains("caller"));
    }

    @Test
    void aGlobalFunctionTheRestOfTheKernelStillCallsIsRefusedNamingTheCaller() throws Exception {
        String patched = ORIGINAL.replace("""
                __attribute__((noinline)) int shared(int x)
                {
                	return sink(x + 7) * sink(x);
                }

                """, "").replace("return helper(x) + shared(x);", "return helper(x) + sink(x + 7);");
        SafetyRules.UnitReview u = ReviewedUnit.review(dir, ORIGINAL, patched,
                new ReviewedUnit.Kernel("vmlinux", Map.of(), Map.of("shared", List.of("comm_show"))));

        assertThat(SafetyRules.reviewUnits(List.of(u))).singleElement().satisfies(r -> {
            assertThat(r.rule()).isEqualTo(Refusal.Rule.DELETED_FUNCTION);
            assertThat(r.line()).isEqualTo(ReviewedUnit.lineOf(ORIGINAL, "__attribute__((noinline)) int shared(int x)"));
            assertThat(r.finding()).contains("deletes shared").contains("comm_show still calls or points to it");
            assertThat(r.remedy()).contains("keep shared").contains("change that caller");
        });
    }

    @Test
    void aGlobalFunctionOnlyChangedCodeCalledIsNotRefused() throws Exception {
        String patched = ORIGINAL.replace("""
                __attribute__((noinline)) int shared(int x)
                {
                	return sink(x + 7) * sink(x);
                }

                """, "").replace("return helper(x) + shared(x);", "return helper(x) + sink(x + 7);");
        SafetyRules.UnitReview u = ReviewedUnit.review(dir, ORIGINAL, patched, new ReviewedUnit.Kernel("vmlinux", Map.of(), Map.of()));

        assertThat(SafetyRules.reviewUnits(List.of(u))).isEmpty();
    }

    @Test
    void aTableOfTheUnitThatStillPointsAtTheFunctionKeepsItCalled() throws Exception {
        String original = ORIGINAL + """

                int (*hooks[2])(int) = { helper, shared };
                """;
        String patched = original.replace("""
                __attribute__((noinline)) static int helper(int x)
                {
                	return sink(x * 3) + sink(x);
                }

                """, "").replace("return helper(x) + shared(x);", "return shared(x);")
                .replace("{ helper, shared }", "{ shared, shared }");
        SafetyRules.UnitReview u = ReviewedUnit.review(dir, original, patched, new ReviewedUnit.Kernel("vmlinux", Map.of(), Map.of()));

        List<Refusal> refusals = SafetyRules.reviewUnits(List.of(u));
        // The kernel's hooks[] keeps pointing at the old helper; its new initializer is refused on its own.
        assertThat(refusals).extracting(Refusal::rule)
                .containsExactlyInAnyOrder(Refusal.Rule.DELETED_FUNCTION, Refusal.Rule.DATA_INITIALIZER);
        assertThat(refusals).filteredOn(r -> r.rule() == Refusal.Rule.DELETED_FUNCTION).singleElement()
                .satisfies(r -> assertThat(r.finding()).contains("deletes helper").contains("hooks still calls or points to it"));
    }

    @Test
    void aRenameWhoseCallerInAnotherUnitTheFixChangesIsNotRefusedUnlessThatUnitIsInAnotherObject() throws Exception {
        String renamed = ORIGINAL.replace("int shared(int x)", "int shared_v2(int x)").replace("+ shared(x)", "+ shared_v2(x)");
        String otherOriginal = """
                extern int shared(int);

                int other_caller(int x)
                {
                	return shared(x) + 1;
                }
                """;
        String otherPatched = otherOriginal.replace("shared(", "shared_v2(");
        Map<String, List<String>> callers = Map.of("shared", List.of("other_caller"));
        SafetyRules.UnitReview unit = ReviewedUnit.review(Files.createDirectory(dir.resolve("a")), ORIGINAL, renamed,
                new ReviewedUnit.Kernel("vmlinux", Map.of(), callers));
        SafetyRules.UnitReview sameObject = ReviewedUnit.review(Files.createDirectory(dir.resolve("b")), otherOriginal,
                otherPatched, new ReviewedUnit.Kernel("vmlinux", Map.of(), Map.of()));
        SafetyRules.UnitReview module = ReviewedUnit.review(Files.createDirectory(dir.resolve("c")), otherOriginal,
                otherPatched, new ReviewedUnit.Kernel("kvm", Map.of(), Map.of()));

        assertThat(SafetyRules.reviewUnits(List.of(unit, sameObject))).isEmpty();
        // The same change in a module replaces the module's other_caller, not vmlinux's, which still calls shared.
        assertThat(SafetyRules.reviewUnits(List.of(unit, module))).singleElement().satisfies(r -> {
            assertThat(r.rule()).isEqualTo(Refusal.Rule.DELETED_FUNCTION);
            assertThat(r.finding()).contains("deletes shared").contains("other_caller still calls or points to it");
        });
    }
}
