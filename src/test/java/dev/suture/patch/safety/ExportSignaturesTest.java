package dev.suture.patch.safety;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * export-signature: a changed modversions CRC is a changed signature unless the exported function's declaration
 * reads as before and every type the fix changes keeps its layout.
 */
class ExportSignaturesTest {
    private static final String DST = """
            struct dst_entry {
            	struct net_device       *dev;
            	unsigned long		_metrics;
            };

            enum dst_kind {
            	DST_A,
            	DST_B,
            };
            """;
    private static final String WRAPPED = DST.replace("\tstruct net_device       *dev;\n", """
            \tunion {
            \t\tstruct net_device       *dev;
            \t\tstruct net_device __rcu *dev_rcu;
            \t};
            """);
    private static final SourceChange DST_WRAPPED = new SourceChange("include/net/dst.h", DST, WRAPPED,
            new TreeSet<>(List.of(2)), new TreeSet<>(List.of(2, 3, 4, 5)));
    private static final String UNIT = """
            int icmp_send_dst(struct sk_buff *skb, int code)
            {
            	return code;
            }
            EXPORT_SYMBOL(icmp_send_dst);
            """;

    private static List<Refusal> review(String patchedUnit, Map<String, String> patchedCrcs, List<SourceChange> fix) {
        TreeSet<Integer> changed = patchedUnit.equals(UNIT) ? new TreeSet<>() : new TreeSet<>(List.of(1, 3));
        SourceChange unit = new SourceChange("net/ipv4/icmp.c", UNIT, patchedUnit, changed, changed);
        SafetyRules.UnitReview u = new SafetyRules.UnitReview(unit, List.of(), null, null, e -> true,
                Map.of("icmp_send_dst", "0x1111"), patchedCrcs, null, null);
        List<SourceChange> sources = new ArrayList<>(fix);
        sources.add(unit);
        List<Refusal> out = new ArrayList<>();
        ExportSignatures.review(u, ExportSignatures.typesKeepLayout(sources), out);
        return out;
    }

    @Test
    void aCrcChangedOnlyByAPointerWrappedInAUnionIsNoSignatureChange() {
        assertThat(review(UNIT, Map.of("icmp_send_dst", "0x2222"), List.of(DST_WRAPPED))).isEmpty();
    }

    @Test
    void aMemberAddedMakesTheChangedCrcARefusal() {
        String patched = DST.replace("\tunsigned long\t\t_metrics;\n", "\tunsigned long\t\t_metrics;\n\tint refs;\n");
        SourceChange added = new SourceChange("include/net/dst.h", DST, patched, new TreeSet<>(), new TreeSet<>(List.of(4)));
        assertThat(review(UNIT, Map.of("icmp_send_dst", "0x2222"), List.of(added))).singleElement().satisfies(r -> {
            assertThat(r.rule()).isEqualTo(Refusal.Rule.EXPORT_SIGNATURE);
            assertThat(r.describe()).contains("icmp_send_dst changes (modversions CRC 0x1111 → 0x2222)");
        });
    }

    @Test
    void anEnumValueAddedMakesItARefusalToo() {
        String patched = DST.replace("\tDST_A,\n", "\tDST_A,\n\tDST_NEW,\n");
        SourceChange enumChange = new SourceChange("include/net/dst.h", DST, patched, new TreeSet<>(), new TreeSet<>(List.of(8)));
        assertThat(ExportSignatures.typesKeepLayout(List.of(enumChange))).isFalse();
        assertThat(ExportSignatures.typesKeepLayout(List.of(DST_WRAPPED))).isTrue();
    }

    @Test
    void aChangedDeclarationIsASignatureChangeWhateverTheTypes() {
        String patched = UNIT.replace("int icmp_send_dst(struct sk_buff *skb, int code)", "int icmp_send_dst(struct sk_buff *skb, long code)")
                .replace("return code;", "return (int)code;");
        assertThat(review(patched, Map.of("icmp_send_dst", "0x2222"), List.of(DST_WRAPPED)))
                .extracting(Refusal::rule).containsExactly(Refusal.Rule.EXPORT_SIGNATURE);
    }

    @Test
    void anExportThatGoesIsRefused() {
        assertThat(review(UNIT, Map.of(), List.of(DST_WRAPPED))).singleElement()
                .satisfies(r -> assertThat(r.describe()).contains("stops exporting icmp_send_dst"));
    }

    @Test
    void aDefinitionWithItsTypeOnTheLineAboveIsFoundAndItsTypeCompared() {
        String unit = "int\nip_generic_getfrag(void *from, char *to)\n{\n\treturn 0;\n}\nEXPORT_SYMBOL(ip_generic_getfrag);\n";
        SourceChange same = new SourceChange("net/ipv4/ip_output.c", unit, unit, new TreeSet<>(), new TreeSet<>());
        SafetyRules.UnitReview u = new SafetyRules.UnitReview(same, List.of(), null, null, e -> true,
                Map.of("ip_generic_getfrag", "0x1111"), Map.of("ip_generic_getfrag", "0x2222"), null, null);
        List<Refusal> out = new ArrayList<>();
        ExportSignatures.review(u, true, out);
        assertThat(out).isEmpty();
        assertThat(FunctionLines.find(unit, "ip_generic_getfrag")).get().isEqualTo(new FunctionLines.Range(2, 5));

        String longer = unit.replaceFirst("^int", "long");
        SourceChange retyped = new SourceChange("net/ipv4/ip_output.c", unit, longer, new TreeSet<>(List.of(1)), new TreeSet<>(List.of(1)));
        ExportSignatures.review(new SafetyRules.UnitReview(retyped, List.of(), null, null, e -> true,
                Map.of("ip_generic_getfrag", "0x1111"), Map.of("ip_generic_getfrag", "0x2222"), null, null), true, out);
        assertThat(out).extracting(Refusal::rule).containsExactly(Refusal.Rule.EXPORT_SIGNATURE);
    }

    @Test
    void anExportedVariableIsComparedByItsTypeAndName() {
        String unit = "struct proto udp_prot = {\n\t.name = \"UDP\",\n};\nEXPORT_SYMBOL(udp_prot);\n";
        SourceChange same = new SourceChange("net/ipv4/udp.c", unit, unit, new TreeSet<>(), new TreeSet<>());
        List<Refusal> out = new ArrayList<>();
        ExportSignatures.review(new SafetyRules.UnitReview(same, List.of(), null, null, e -> true,
                Map.of("udp_prot", "0x1111"), Map.of("udp_prot", "0x2222"), null, null), true, out);
        assertThat(out).isEmpty();
        String retyped = unit.replace("struct proto udp_prot", "struct proto_v2 udp_prot");
        SourceChange changed = new SourceChange("net/ipv4/udp.c", unit, retyped, new TreeSet<>(List.of(1)), new TreeSet<>(List.of(1)));
        ExportSignatures.review(new SafetyRules.UnitReview(changed, List.of(), null, null, e -> true,
                Map.of("udp_prot", "0x1111"), Map.of("udp_prot", "0x2222"), null, null), true, out);
        assertThat(out).extracting(Refusal::rule).containsExactly(Refusal.Rule.EXPORT_SIGNATURE);
    }
}
