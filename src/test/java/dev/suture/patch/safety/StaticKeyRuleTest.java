package dev.suture.patch.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * load-time-relocation on a module's static branches: the new code of a module's function may branch on
 * vmlinux's keys and on keys the fix adds, not on keys of a module, which the patch module reaches only after the
 * loader has filed its jump labels. The branch is the kernel's own x86 form: a 5-byte nop and a
 * {@code __jump_table} entry (code, target, key).
 */
class StaticKeyRuleTest {
    private static final String JUMP_LABEL = """
            struct static_key { int enabled; void *entries; };
            static inline __attribute__((always_inline)) int branch(struct static_key *k)
            {
            	asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\\n\\t"
            		 ".pushsection __jump_table, \\"aw\\"\\n\\t"
            		 ".balign 8\\n\\t"
            		 ".long 1b - ., %l[yes] - .\\n\\t"
            		 ".quad %c0 - .\\n\\t"
            		 ".popsection\\n\\t" : : "i"(k) : : yes);
            	return 0;
            yes:
            	return 1;
            }
            extern int sink(int);
            extern struct static_key vmlinux_key;
            """;
    private static final String ORIGINAL = JUMP_LABEL + """
            static struct static_key own_key;

            int show(int x)
            {
            	if (branch(&own_key))
            		return sink(x);
            	return x;
            }
            """;
    @TempDir
    Path dir;

    @Test
    void aBranchOnTheModulesOwnKeyIsRefusedNamingKeyModuleAndLine() throws Exception {
        String patched = ORIGINAL.replace("return x;", "return x + 1;");
        SafetyRules.UnitReview u = ReviewedUnit.review(dir, ORIGINAL, patched, new ReviewedUnit.Kernel("bridge", Map.of(), Map.of()));

        assertThat(SafetyRules.reviewUnits(List.of(u))).singleElement().satisfies(r -> {
            assertThat(r.rule()).isEqualTo(Refusal.Rule.LOAD_TIME_RELOCATION);
            assertThat(r.line()).isEqualTo(ReviewedUnit.lineOf(patched, "if (branch(&own_key))"));
            assertThat(r.finding()).contains("the new show has a static branch on own_key, a static key of module bridge");
            assertThat(r.remedy()).contains("static_key_enabled(&own_key)");
        });
    }

    @Test
    void theSameBranchInVmlinuxIsFine() throws Exception {
        String patched = ORIGINAL.replace("return x;", "return x + 1;");
        SafetyRules.UnitReview u = ReviewedUnit.review(dir, ORIGINAL, patched, new ReviewedUnit.Kernel("vmlinux", Map.of(), Map.of()));

        assertThat(SafetyRules.reviewUnits(List.of(u))).isEmpty();
    }

    @Test
    void aKeyTheFixAddsTravelsWithThePatch() throws Exception {
        String original = JUMP_LABEL + """
                int show(int x)
                {
                	return x;
                }
                """;
        String patched = JUMP_LABEL + """
                static struct static_key new_key;

                int show(int x)
                {
                	if (branch(&new_key))
                		return sink(x);
                	return x;
                }
                """;
        SafetyRules.UnitReview u = ReviewedUnit.review(dir, original, patched, new ReviewedUnit.Kernel("bridge", Map.of(), Map.of()));

        assertThat(SafetyRules.reviewUnits(List.of(u))).isEmpty();
    }

    @Test
    void anOutsideKeyIsRefusedOnlyWhenAModuleDefinesIt() throws Exception {
        String original = ORIGINAL.replace("branch(&own_key)", "branch(&vmlinux_key)");
        String patched = original.replace("return x;", "return x + 1;");
        SafetyRules.UnitReview inVmlinux = ReviewedUnit.review(dir, original, patched,
                new ReviewedUnit.Kernel("bridge", Map.of("vmlinux_key", "vmlinux"), Map.of()));
        assertThat(SafetyRules.reviewUnits(List.of(inVmlinux))).isEmpty();

        SafetyRules.UnitReview inModule = ReviewedUnit.review(dir, original, patched,
                new ReviewedUnit.Kernel("bridge", Map.of("vmlinux_key", "x_tables"), Map.of()));
        assertThat(SafetyRules.reviewUnits(List.of(inModule))).singleElement().satisfies(r ->
                assertThat(r.finding()).contains("static branch on vmlinux_key, a static key of module x_tables"));
    }

    @Test
    void debugPrintsOfTheModuleAreOneRefusalAtTheFirstPrint() throws Exception {
        // pr_debug's shape: a descriptor in __dyndbg holding the key its jump label branches on.
        String prints = JUMP_LABEL + """
                struct ddebug { const char *fmt; struct static_key key; };
                #define pr_debug(fmt) do { static struct ddebug d __attribute__((used, section("__dyndbg"))) = { fmt }; \\
                	if (branch(&d.key)) sink(0); } while (0)

                int show(int x)
                {
                	pr_debug("show one");
                	x = sink(x);
                	pr_debug("show two");
                	return x;
                }
                """;
        String patched = prints.replace("return x;", "return x + 1;");
        SafetyRules.UnitReview u = ReviewedUnit.review(dir, prints, patched, new ReviewedUnit.Kernel("binfmt_misc", Map.of(), Map.of()));

        assertThat(SafetyRules.reviewUnits(List.of(u))).singleElement().satisfies(r -> {
            assertThat(r.line()).isEqualTo(ReviewedUnit.lineOf(patched, "pr_debug(\"show one\");"));
            assertThat(r.finding()).contains("the new show has 2 debug prints").contains("module binfmt_misc's");
            assertThat(r.remedy()).contains("leave the debug prints out of the changed code");
        });
    }

    @Test
    void theLinkTimeCheckNamesKeysAndTheirRemedy() {
        Refusal r = LoadTimeRules.refusal("fix.c", "__jump_table", List.of("bridge:br_mst_used", "bridge:__tracepoint_br_fdb_add"));
        assertThat(r.describe()).startsWith("load-time-relocation: fix.c: the new code has static branches on a module's keys (bridge:br_mst_used")
                .contains("static_key_enabled(&br_mst_used)").contains("leave trace_br_fdb_add() out of the changed code");
    }
}
