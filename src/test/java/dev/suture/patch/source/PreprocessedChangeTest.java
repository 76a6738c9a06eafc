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
    void typesDeclarationsOfWhatTheUnitUsesAndNonStaticFunctionsCount() {
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER,
                HEADER.replace("unsigned long expires;", "unsigned long expires; int flags;") + USER)).isTrue();
        String caller = USER + "int drop(struct sk_buff *skb) { return dst_discard(skb); }\n";
        assertThat(PreprocessedChange.mayChangeObject(HEADER + caller,
                HEADER.replace("extern int dst_discard(", "extern long dst_discard(") + caller)).isTrue();
        // Defined here: the declaration's attributes apply to the definition.
        String definer = USER + "int dst_discard(struct sk_buff *skb) { return 0; }\n";
        assertThat(PreprocessedChange.mayChangeObject(HEADER + definer,
                HEADER.replace("extern int dst_discard(struct sk_buff *skb);",
                        "extern int dst_discard(struct sk_buff *skb) __attribute__((__cold__));") + definer)).isTrue();
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

    @Test
    void aPointerWrappedInAUnionWithItsTwinIsNoChangeUntilCodeNamesTheTwin() {
        String wrapped = HEADER.replace("struct net_device *dev;",
                "union { struct net_device *dev; struct net_device  *dev_rcu; };");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, wrapped + USER)).isFalse();
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, wrapped + USER.replace("dst->dev &&", "dst->dev_rcu &&"))).isTrue();
        String widened = HEADER.replace("struct net_device *dev;", "union { struct net_device *dev; unsigned long long pad[2]; };");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, widened + USER)).isTrue();
        String added = HEADER.replace("struct net_device *dev;", "union { struct net_device *dev; struct net_device *dev_rcu; }; int refs;");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, added + USER)).isTrue();
    }

    @Test
    void anInlineOnlyADeadInlineCallsIsDeadToo() {
        String header = """
                static inline __attribute__((__gnu_inline__)) struct net_device *dst_dev_rcu(const struct dst_entry *dst)
                {
                    warn_on_once(!rcu_read_lock_held());
                    return dst->dev;
                }
                static inline __attribute__((__gnu_inline__)) struct net_device *skb_dst_dev_rcu(const struct sk_buff *skb)
                {
                    return dst_dev_rcu(skb_dst(skb));
                }
                """;
        String changed = header.replace("warn_on_once(!rcu_read_lock_held());", "");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + header + USER, HEADER + changed + USER)).isFalse();
        String caller = "int f(struct sk_buff *skb) { return skb_dst_dev_rcu(skb) != 0; }\n";
        assertThat(PreprocessedChange.mayChangeObject(HEADER + header + USER + caller, HEADER + changed + USER + caller)).isTrue();
        assertThat(PreprocessedChange.Summary.of(HEADER + header + USER).chunks()).hasSize(6)
                .satisfies(c -> assertThat(c[3] & 1L).isEqualTo(1L), c -> assertThat(c[4] & 1L).isEqualTo(1L));
    }

    @Test
    void countersAndAHeadersLineNumbersThatMoveAreNoChangeButOtherNumbersAre() {
        String used = """
                static inline __attribute__((__gnu_inline__)) void dst_hold(struct dst_entry *dst)
                {
                    do { __attribute__((__noreturn__)) extern void __compiletime_assert_489(void); } while (0);
                    asm volatile("1:" : : "i" ("include/net/dst.h"), "i" (231), "i" (0));
                    warn("field at " "include/net/dst.h" ":" "141");
                    struct net_device *__UNIQUE_ID_rcu488 = dst->dev;
                }
                asm(".section \".initcall0.init\" \"__initcall__kmod_inet_fragment__839_219_inet_frag_wq_init0\" \"__BTF_ID__func__cubictcp_init__841\"");
                int user(struct dst_entry *dst) { dst_hold(dst); return 0; }
                """;
        String moved = used.replace("489", "491").replace("(231)", "(234)").replace("\"141\"", "\"144\"").replace("rcu488", "rcu490")
                .replace("__839_219", "__842_219").replace("init__841", "init__845");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + used, HEADER + moved)).isFalse();
        assertThat(PreprocessedChange.mayChangeObject(HEADER + used, HEADER + used.replace("\"i\" (0)", "\"i\" (1)"))).isTrue();
        assertThat(PreprocessedChange.mayChangeObject(HEADER + used, HEADER + used.replace("_wq_init0", "_wq_init1"))).isTrue();
        assertThat(PreprocessedChange.mayChangeObject(HEADER + used, HEADER + used.replace("\"include/net/dst.h\"), \"i\" (231)",
                "\"include/net/dst.c\"), \"i\" (231)"))).isTrue();
    }

    @Test
    void aParameterOrVariableNamedAsAnInlineIsNoUseOfItButACallAfterAKeywordIs() {
        assertThat(PreprocessedChange.uses("int f(const struct net_device *dst_dev, int * *skb_dst_dev) { return dst_dev_rcu(x) ? sizeof dst_dev_net : 0; }"))
                .doesNotContainKeys("dst_dev", "skb_dst_dev").containsEntry("dst_dev_rcu", 1).containsEntry("dst_dev_net", 1);
        assertThat(PreprocessedChange.uses("x = y * dst_dev; if (z) dst_dev(); else skb_dst_dev(); (void) a_fn(1);"))
                .containsEntry("dst_dev", 1).containsEntry("skb_dst_dev", 1).containsEntry("a_fn", 1);
    }

    @Test
    void aPrototypeTheUnitNeitherCallsNorDefinesIsNoChangeEvenRenamed() {
        // fs/proc/internal.h renames proc_task_name: its other includers never mention either name.
        String renamed = HEADER.replace("extern int dst_discard(struct sk_buff *skb);",
                "extern int dst_discard_skb(struct sk_buff *skb);\nextern void dst_release_all(void) __attribute__((__cold__));");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, renamed + USER)).isFalse();
        // A function pointer variable, an alias (which defines its name) and a typedef are not prototypes.
        assertThat(PreprocessedChange.prototypeName("extern int (*dst_hook)(struct sk_buff *skb);")).isNull();
        assertThat(PreprocessedChange.prototypeName("void dst_free(void) __attribute__((alias(\"dst_release\")));")).isNull();
        assertThat(PreprocessedChange.prototypeName("typedef int dst_fn(struct sk_buff *skb);")).isNull();
        assertThat(PreprocessedChange.prototypeName("extern int dst_discard(struct sk_buff *skb);")).isEqualTo("dst_discard");
    }
    /** seqlock.h's scoped_seqlock_read, as a backport added it: an enum, a struct, inlines and a macro using them. */
    private static final String SCOPED = """
            enum ss_state { ss_done = 0, ss_lock, ss_lock_irqsave, ss_lockless, };
            struct ss_tmp { enum ss_state state; unsigned long data; spinlock_t *lock; spinlock_t *lock_irqsave; };
            struct ss_tmp;
            static inline __attribute__((__always_inline__)) void __scoped_seqlock_cleanup(struct ss_tmp *sst)
            {
                if (sst->lock) spin_unlock(sst->lock);
            }
            extern void __scoped_seqlock_invalid_target(void);
            extern void __scoped_seqlock_bug(void);
            static inline __attribute__((__always_inline__)) void __scoped_seqlock_next(struct ss_tmp *sst, enum ss_state target)
            {
                if (sst->state == ss_done) __scoped_seqlock_bug();
                if (target == ss_done) __scoped_seqlock_invalid_target();
            }
            typedef struct { int depth; } __attribute__((__aligned__(8))) ss_depth_t;
            """;

    @Test
    void typesNothingElseNamesAreNoChange() {
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, HEADER + SCOPED + USER)).isFalse();
        // A unit that expands the macro names the struct and the enumerators in its own code.
        String user = USER + """
                int show(seqlock_t *l)
                {
                    for (struct ss_tmp s __attribute__((__cleanup__(__scoped_seqlock_cleanup))) = { .state = ss_lockless };
                         s.state != ss_done; s.state = ss_done) { }
                    return 0;
                }
                """;
        assertThat(PreprocessedChange.mayChangeObject(HEADER + user, HEADER + SCOPED + user)).isTrue();
    }

    @Test
    void aTypeAVariableIsDeclaredWithOrAnEnumeratorTheUnitUsesCounts() {
        String variable = "struct ss_stats { int n; } ss_stats;\n";
        assertThat(PreprocessedChange.mayChangeObject(HEADER + USER, HEADER + variable + USER)).isTrue();
        String constant = USER.replace("return 1;", "return SS_ONE;");
        assertThat(PreprocessedChange.mayChangeObject(HEADER + "enum { SS_ONE = 1 };\n" + constant,
                HEADER + "enum { SS_ZERO, SS_ONE };\n" + constant)).isTrue();
        assertThat(PreprocessedChange.mayChangeObject(HEADER + "enum { SS_ONE = 1 };\n" + USER,
                HEADER + "enum { SS_ZERO, SS_ONE };\n" + USER)).isFalse();
        // A struct nesting another the unit uses lives on through it.
        String nested = "struct outer { struct inner { int x; } in; };\n";
        String inner = USER + "int inner_x(struct inner *p) { return p->x; }\n";
        assertThat(PreprocessedChange.mayChangeObject(HEADER + nested + inner,
                HEADER + nested.replace("int x;", "long x;") + inner)).isTrue();
    }

    @Test
    void theNamesATypeDefinitionDefines() {
        assertThat(DeadTypes.definedNames("enum ss_state { ss_done = 0, ss_lock = (1 << 2), ss_lockless, };"))
                .containsExactly("ss_state", "ss_done", "ss_lock", "ss_lockless");
        assertThat(DeadTypes.definedNames("typedef struct { int a; } __attribute__((__aligned__(8))) foo_t;"))
                .containsExactly("foo_t");
        assertThat(DeadTypes.definedNames("struct a { struct b { int x; } in; };")).containsExactly("a", "b");
        assertThat(DeadTypes.definedNames("struct a { int x; } a_var;")).isNull();
        assertThat(DeadTypes.definedNames("struct a { enum { A1, A2 } kind; };")).isNull();
        assertThat(DeadTypes.definedNames("int f(void);")).isNull();
    }
}
