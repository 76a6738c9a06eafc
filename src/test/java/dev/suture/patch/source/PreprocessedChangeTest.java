package dev.suture.patch.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PreprocessedChangeTest {
    private static final String HEADER = """
            struct dst_entry { struct net_device *dev; unsigned long expires; };
            static inline __attribute__((__gnu_inline__)) struct net_device *dst_dev(const struct dst_entry *dst)
            {
                return dst->dev;
            }
            extern int dst_discard(struct sk_buff *skb);
            """;
    private static final String USER = """
            int icmp_ratelimit(struct dst_entry *dst)
            {
                if (dst->dev && dst->expires)
                    return 1;
                return 0;
            }
            """;

    @Test
    void theSameTextLaidOutDifferentlyIsNoChange() {
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, HEADER.replace("\n", "\n\n  ") + USER)).isFalse();
    }

    @Test
    void aNewStaticInlineNobodyCallsIsNoChange() {
        String added = HEADER + """
                static inline __attribute__((__gnu_inline__)) bool dst_is_loopback(const struct dst_entry *dst)
                {
                    return dst->dev && (dst->dev->flags & 8);
                }
                """;
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, added + USER)).isFalse();
    }

    @Test
    void aChangedStaticInlineCountsOnlyWhenTheUnitNamesIt() {
        String changed = HEADER.replace("return dst->dev;", "return READ_ONCE(dst->dev);");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, changed + USER)).isFalse();
        String caller = USER.replace("dst->dev &&", "dst_dev(dst) &&");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + caller, changed + caller)).isTrue();
    }

    @Test
    void aStaticInlineWhoseAddressIsTakenCounts() {
        String table = "static const void *ops[] = { dst_dev, };\n";
        String changed = HEADER.replace("return dst->dev;", "return READ_ONCE(dst->dev);");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + table + USER, changed + table + USER)).isTrue();
    }

    @Test
    void typesDeclarationsAndNonStaticFunctionsCount() {
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER,
                HEADER.replace("unsigned long expires;", "unsigned long expires; int flags;") + USER)).isTrue();
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER,
                HEADER.replace("extern int dst_discard(", "extern long dst_discard(") + USER)).isTrue();
        String notInline = HEADER + "static int dst_unused(void) { return 1; }\n";
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, notInline + USER)).isTrue();
    }

    @Test
    void spacesInsideAStringAreText() {
        String before = HEADER + "void f(void) { printk(\"a  b\\n\"); }\n";
        String after = HEADER + "void f(void) { printk(\"a b\\n\"); }\n";
        assertThat(PreprocessedChange.mayChangeObject(before, after)).isTrue();
    }

    @Test
    void aBraceInsideAStringOrAnInitializerDoesNotEndAChunk() {
        String text = "static const struct s x = { .a = 1, .b = \"}\" };\nstatic inline int g(void) { return 2; }\nint h;";
        assertThat(PreprocessedChange.chunks(PreprocessedChange.collapse(text))).containsExactly(
                "static const struct s x = { .a = 1, .b = \"}\" };", "static inline int g(void) { return 2; }", "int h;");
    }

    @Test
    void aPragmaTheCompilerKeptIsAChunkOfItsOwn() {
        String text = "int a;\n#pragma GCC diagnostic push\nint b;\n";
        assertThat(PreprocessedChange.chunks(PreprocessedChange.collapse(text)))
                .containsExactly("int a;", "#pragma GCC diagnostic push", "int b;");
    }

    @Test
    void wholeWordsAreCounted() {
        assertThat(PreprocessedChange.uses("dst_dev(x); skb_dst_dev(y); dst_dev_rcu(z); dst_dev; f(\"dst_dev\");"))
                .containsEntry("dst_dev", 2).containsEntry("skb_dst_dev", 1);
    }

    @Test
    void aTagOfTheSameNameIsNoUse() {
        String header = """
                enum netdev_reg_state { NETREG_UNINITIALIZED, NETREG_REGISTERED };
                static inline const char *netdev_reg_state(const struct net_device *dev) { return "x"; }
                int f(enum netdev_reg_state s) { return s; }
                """;
        String changed = header.replace("return \"x\";", "return \"y\";");
        assertThat(PreprocessedChange.mayChangeObject(header, changed)).isFalse();
    }

    @Test
    void aSummaryKeptOnDiskJudgesAsTheTextDoes() throws java.io.IOException {
        String changed = HEADER.replace("return dst->dev;", "return READ_ONCE(dst->dev);");
        String caller = USER.replace("dst->dev &&", "dst_dev(dst) &&");
        var bytes = new java.io.ByteArrayOutputStream();
        PreprocessedChange.Summary.of(HEADER + caller).write(new java.io.DataOutputStream(bytes));
        PreprocessedChange.Summary read = PreprocessedChange.Summary.read(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertThat(PreprocessedChange.mayChangeObject(read, HEADER + caller)).isFalse();
        assertThat(PreprocessedChange.mayChangeObject(read, changed + caller)).isTrue();
        PreprocessedChange.Summary unused = PreprocessedChange.Summary.of(HEADER + USER);
        assertThat(PreprocessedChange.mayChangeObject(unused, changed + USER)).isFalse();
        assertThat(PreprocessedChange.mayChangeObject(unused, USER)).isTrue();
    }
}
