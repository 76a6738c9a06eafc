package dev.suture.patch.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Source-level rules: a changed member list is refused at its line; other edits near structs are not. */
class SafetyRulesTest {
    private static final String ORIGINAL = """
            #include <linux/types.h>

            struct conn {
            	int id;
            	/* state */
            	long flags;
            };

            static int f(struct conn *c)
            {
            	struct conn copy = *c;
            	return copy.id;
            }
            """;

    private static List<Refusal> review(String patched, TreeSet<Integer> removed, TreeSet<Integer> added) {
        return SafetyRules.review(List.of(new SourceChange("net/x.c", ORIGINAL, patched, removed, added)), List.of());
    }

    @Test
    void anAddedMemberIsAStructLayoutChange() {
        String patched = ORIGINAL.replace("\tlong flags;\n", "\tlong flags;\n\tint retries;\n");
        List<Refusal> refusals = review(patched, new TreeSet<>(), new TreeSet<>(List.of(7)));
        assertThat(refusals).singleElement().satisfies(r -> {
            assertThat(r.rule()).isEqualTo(Refusal.Rule.STRUCT_LAYOUT);
            assertThat(r.line()).isEqualTo(7);
            assertThat(r.describe()).startsWith("struct-layout: net/x.c:7: ").contains("struct conn").contains("int retries;")
                    .contains("SUTURE_SHADOW");
        });
    }

    @Test
    void aRemovedMemberIsOneToo() {
        String patched = ORIGINAL.replace("\tlong flags;\n", "");
        assertThat(review(patched, new TreeSet<>(List.of(6)), new TreeSet<>()))
                .extracting(Refusal::rule).containsExactly(Refusal.Rule.STRUCT_LAYOUT);
    }

    @Test
    void aCommentInAStructAndCodeInAFunctionAreNot() {
        String patched = ORIGINAL.replace("/* state */", "/* connection state */").replace("return copy.id;", "return copy.id + 1;");
        assertThat(review(patched, new TreeSet<>(List.of(5, 12)), new TreeSet<>(List.of(5, 12)))).isEmpty();
    }

    @Test
    void functionLinesAreFoundKernelStyle() {
        assertThat(FunctionLines.find(ORIGINAL, "f")).get().isEqualTo(new FunctionLines.Range(9, 13));
        assertThat(FunctionLines.find(ORIGINAL, "f.isra.0")).get().isEqualTo(new FunctionLines.Range(9, 13));
        assertThat(FunctionLines.find(ORIGINAL, "missing")).isEmpty();
    }
}
