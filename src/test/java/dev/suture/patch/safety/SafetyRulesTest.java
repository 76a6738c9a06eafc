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

    private static final String DST = """
            struct dst_entry {
            	struct net_device       *dev;
            	struct  dst_ops	        *ops;
            	unsigned long		_metrics;
            };
            """;

    private static List<Refusal> reviewDst(String patched, TreeSet<Integer> removed, TreeSet<Integer> added) {
        return SafetyRules.review(List.of(new SourceChange("include/net/dst.h", DST, patched, removed, added)), List.of());
    }

    @Test
    void aPointerWrappedInAUnionWithItsRcuTwinKeepsTheLayout() {
        String patched = DST.replace("\tstruct net_device       *dev;\n", """
                \tunion {
                \t\tstruct net_device       *dev;
                \t\tstruct net_device __rcu *dev_rcu;
                \t};
                """);
        assertThat(reviewDst(patched, new TreeSet<>(List.of(2)), new TreeSet<>(List.of(2, 3, 4, 5)))).isEmpty();
    }

    @Test
    void aUnionThatIsNotJustPointersChangesIt() {
        String patched = DST.replace("\tstruct net_device       *dev;\n", """
                \tunion {
                \t\tstruct net_device       *dev;
                \t\tunsigned long long dev_cookie[2];
                \t};
                """);
        assertThat(reviewDst(patched, new TreeSet<>(List.of(2)), new TreeSet<>(List.of(2, 3, 4, 5))))
                .extracting(Refusal::rule).isNotEmpty().containsOnly(Refusal.Rule.STRUCT_LAYOUT);
        String reordered = DST.replace("\tstruct net_device       *dev;\n", "").replace("\tunsigned long\t\t_metrics;\n",
                "\tunsigned long\t\t_metrics;\n\tunion {\n\t\tstruct net_device *dev;\n\t\tstruct net_device __rcu *dev_rcu;\n\t};\n");
        assertThat(reviewDst(reordered, new TreeSet<>(List.of(2)), new TreeSet<>(List.of(4, 5, 6, 7))))
                .extracting(Refusal::rule).isNotEmpty().containsOnly(Refusal.Rule.STRUCT_LAYOUT);
    }
    private static final String HEADER = """
            #ifndef _X_H
            #define _X_H
            #endif
            """;

    @Test
    void aTypeTheFixIntroducesHasNoInstancesYet() {
        String patched = HEADER.replace("#endif\n", "struct ss_tmp {\n\tint state;\n\tunsigned long data;\n};\n#endif\n");
        List<Refusal> refusals = SafetyRules.review(List.of(
                new SourceChange("include/x.h", HEADER, patched, new TreeSet<>(), new TreeSet<>(List.of(3, 4, 5, 6)))), List.of());
        assertThat(refusals).isEmpty();
    }

    @Test
    void aTypeMovedIntoAHeaderKeepsItsLayoutUnlessAMemberChanges() {
        String unit = ORIGINAL.replace("struct conn {\n\tint id;\n\t/* state */\n\tlong flags;\n};\n", "#include \"x.h\"\n");
        String header = HEADER.replace("#endif\n", "struct conn {\n\tint id;\n\tlong flags; /* state */\n};\n#endif\n");
        SourceChange c = new SourceChange("net/x.c", ORIGINAL, unit, new TreeSet<>(List.of(3, 4, 5, 6, 7)), new TreeSet<>(List.of(3)));
        SourceChange h = new SourceChange("net/x.h", HEADER, header, new TreeSet<>(), new TreeSet<>(List.of(3, 4, 5, 6)));
        assertThat(SafetyRules.review(List.of(c, h), List.of())).isEmpty();

        String grown = header.replace("\tlong flags; /* state */\n", "\tlong flags;\n\tint retries;\n");
        SourceChange g = new SourceChange("net/x.h", HEADER, grown, new TreeSet<>(), new TreeSet<>(List.of(3, 4, 5, 6, 7)));
        assertThat(SafetyRules.review(List.of(c, g), List.of()))
                .extracting(Refusal::rule).isNotEmpty().containsOnly(Refusal.Rule.STRUCT_LAYOUT);
    }

    @Test
    void aTypeTheFixDeletesEverywhereIsNotALayoutChange() {
        String patched = ORIGINAL.replace("struct conn {\n\tint id;\n\t/* state */\n\tlong flags;\n};\n", "")
                .replace("\tstruct conn copy = *c;\n\treturn copy.id;\n", "\treturn 0;\n").replace("struct conn *c", "void *c");
        assertThat(SafetyRules.review(List.of(new SourceChange("net/x.c", ORIGINAL, patched,
                new TreeSet<>(List.of(3, 4, 5, 6, 7, 9, 11, 12)), new TreeSet<>(List.of(4, 6)))), List.of())).isEmpty();
    }
}
