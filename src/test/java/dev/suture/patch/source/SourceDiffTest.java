package dev.suture.patch.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.suture.SutureException;
import dev.suture.kernel.build.SourceTree;
import dev.suture.patch.source.FileDiff.Kind;
import dev.suture.patch.source.LineMap.Change;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceDiffTest {
    /** A small /proc file as a kernel tree would have it; its write handler trusts the length it is given. */
    private static final String FOO_C = """
            // SPDX-License-Identifier: GPL-2.0
            /*
             * /proc/foo: a counter to read and set.
             */
            #include <linux/init.h>
            #include <linux/kernel.h>
            #include <linux/proc_fs.h>
            #include <linux/seq_file.h>
            #include <linux/uaccess.h>

            static unsigned long foo_count;

            static int foo_proc_show(struct seq_file *m, void *v)
            {
            \tseq_printf(m, "%lu\\n", foo_count);
            \treturn 0;
            }

            static ssize_t foo_proc_write(struct file *file, const char __user *buf,
            \t\t\t      size_t count, loff_t *ppos)
            {
            \tchar kbuf[16];

            \tif (copy_from_user(kbuf, buf, count))
            \t\treturn -EFAULT;
            \tkbuf[count] = '\\0';
            \tif (kstrtoul(kbuf, 10, &foo_count))
            \t\treturn -EINVAL;
            \treturn count;
            }

            static int foo_proc_open(struct inode *inode, struct file *file)
            {
            \tWARN_ON_ONCE(!inode);
            \treturn single_open(file, foo_proc_show, NULL);
            }

            static const struct proc_ops foo_proc_ops = {
            \t.proc_open\t= foo_proc_open,
            \t.proc_read\t= seq_read,
            \t.proc_write\t= foo_proc_write,
            \t.proc_lseek\t= seq_lseek,
            \t.proc_release\t= single_release,
            };

            static int __init proc_foo_init(void)
            {
            \tproc_create("foo", 0644, NULL, &foo_proc_ops);
            \treturn 0;
            }
            fs_initcall(proc_foo_init);
            """;

    /** The fix as a stable-queue mail: folded subject, upstream reference, trailers, diffstat, signature. */
    private static final String STABLE_MAIL = """
            From 2e8c474a9dbc4236b652e9c9a704f8d260f8cd3e Mon Sep 17 00:00:00 2001
            From: Jane Hacker <jane@example.org>
            Date: Tue, 4 Mar 2025 10:12:33 +0100
            Subject: [PATCH 6.1 017/142] proc: foo: reject writes that do not fit the
             buffer

            commit 0123456789abcdef0123456789abcdef01234567 upstream.

            foo_proc_write() copies @count bytes into a 16-byte stack buffer and then
            terminates it at kbuf[count], so a longer write overflows the stack:

            --- a/quoted/in/the/message.c
            +++ b/quoted/in/the/message.c

            Reject writes that do not fit.

            Fixes: 89abcdef0123 ("proc: add /proc/foo")
            Cc: stable@vger.kernel.org
            Signed-off-by: Jane Hacker <jane@example.org>
            Signed-off-by: Greg Kroah-Hartman <gregkh@linuxfoundation.org>
            ---
             fs/proc/foo.c | 2 ++
             1 file changed, 2 insertions(+)

            diff --git a/fs/proc/foo.c b/fs/proc/foo.c
            index f0b96af..2b2f9ca 100644
            --- a/fs/proc/foo.c
            +++ b/fs/proc/foo.c
            @@ -21,6 +21,8 @@ static ssize_t foo_proc_write(struct file *file, const char __user *buf,
             {
             \tchar kbuf[16];
            \s
            +\tif (count >= sizeof(kbuf))
            +\t\treturn -EINVAL;
             \tif (copy_from_user(kbuf, buf, count))
             \t\treturn -EFAULT;
             \tkbuf[count] = '\\0';
            --\s
            2.39.5

            """;

    @TempDir
    Path root;

    @Test
    void aHunkWithMoreContextBeforeThanAfterAppliesMidFileAsPatchAndGitApplyTakeIt() throws IOException {
        write("fs/proc/foo.c", FOO_C);
        // 3 lines of context before the change, 2 after: a hand edit, not the end of the file.
        SourceDiff diff = SourceDiff.parse("""
                --- a/fs/proc/foo.c
                +++ b/fs/proc/foo.c
                @@ -21,5 +21,7 @@
                 {
                 \tchar kbuf[16];
                \s
                +\tif (count >= sizeof(kbuf))
                +\t\treturn -EINVAL;
                 \tif (copy_from_user(kbuf, buf, count))
                 \t\treturn -EFAULT;
                """, "asymmetric.diff");

        PatchedFile foo = diff.apply(root).file("fs/proc/foo.c").orElseThrow();

        assertThat(foo.patched()).isEqualTo(FOO_C.replace("\tchar kbuf[16];\n\n",
                "\tchar kbuf[16];\n\n\tif (count >= sizeof(kbuf))\n\t\treturn -EINVAL;\n"));
        SourceDiffFuzzTest.assertConsistent(foo);
    }

    @Test
    void aStableCommitInFormatPatchFormAppliesAndMapsItsLines() throws IOException {
        write("fs/proc/foo.c", FOO_C);
        SourceDiff diff = SourceDiff.parse(STABLE_MAIL, "0017-proc-foo.patch");

        assertThat(diff.subject()).contains("proc: foo: reject writes that do not fit the buffer");
        assertThat(diff.files()).singleElement().satisfies(f -> {
            assertThat(f.oldPath()).isEqualTo("fs/proc/foo.c");
            assertThat(f.newPath()).isEqualTo("fs/proc/foo.c");
            assertThat(f.kind()).isEqualTo(Kind.MODIFIED);
            assertThat(f.hunks()).singleElement().extracting(Hunk::header).isEqualTo("@@ -21,6 +21,8 @@");
        });

        PatchedFile foo = diff.apply(root).file("fs/proc/foo.c").orElseThrow();
        assertThat(foo.original()).isEqualTo(FOO_C);
        assertThat(foo.patched()).isEqualTo(FOO_C.replace("\tchar kbuf[16];\n\n",
                "\tchar kbuf[16];\n\n\tif (count >= sizeof(kbuf))\n\t\treturn -EINVAL;\n"));
        LineMap lines = foo.lines();
        assertThat(lines.changes()).containsExactly(new Change(24, 0, 24, 2));
        assertThat(lines.changesOriginal(19, 30)).as("foo_proc_write").isTrue();
        assertThat(lines.changesOriginal(13, 17)).as("foo_proc_show").isFalse();
        assertThat(lines.changesOriginal(32, 36)).as("foo_proc_open").isFalse();
        assertThat(lines.shift(34)).as("WARN_ON_ONCE's __LINE__ in foo_proc_open").hasValue(2);
        assertThat(lines.shift(15)).hasValue(0);
        SourceDiffFuzzTest.assertConsistent(foo);
    }

    @Test
    void readsAPlainDiffWithTimestampsAndSeveralHunks() throws IOException {
        write("kernel/thing.c", numbered(30));
        SourceDiff diff = SourceDiff.parse("""
                --- kernel/thing.c\t2025-03-01 10:00:00.000000000 +0100
                +++ kernel/thing.c\t2025-03-02 11:00:00.000000000 +0100
                @@ -2,3 +2,3 @@
                 line 2
                -line 3
                +LINE 3
                 line 4
                @@ -19,4 +19,5 @@ some function
                 line 19
                 line 20
                +line 20.5
                 line 21
                 line 22
                """, "thing.diff");
        assertThat(diff.subject()).isEmpty();
        assertThat(diff.files()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("kernel/thing.c");
            assertThat(f.hunks()).extracting(Hunk::oldStart, Hunk::diffLine).containsExactly(
                    tuple(2, 3), tuple(19, 8));
        });
        PatchedFile thing = diff.apply(root).files().getFirst();
        assertThat(thing.patched()).isEqualTo(numbered(30).replace("line 3\n", "LINE 3\n")
                .replace("line 20\n", "line 20\nline 20.5\n"));
        SourceDiffFuzzTest.assertConsistent(thing);
    }

    @Test
    void readsGitDiffsOfSeveralFilesWithIndexAndModeLines() throws IOException {
        write("mm/a.c", "a1\na2\na3\n");
        write("mm/b.c", "b1\nb2\n");
        write("mm/gone.c", "g1\ng2\n");
        SourceDiff diff = SourceDiff.parse("""
                diff --git a/mm/a.c b/mm/a.c
                old mode 100644
                new mode 100755
                index 1111111..2222222
                --- a/mm/a.c
                +++ b/mm/a.c
                @@ -1,3 +1,3 @@
                 a1
                -a2
                +A2
                 a3
                diff --git a/mm/b.c b/mm/b.c
                index 3333333..4444444 100644
                --- a/mm/b.c
                +++ b/mm/b.c
                @@ -1,2 +1,3 @@
                 b1
                 b2
                +b3
                diff --git a/mm/new.c b/mm/new.c
                new file mode 100644
                index 0000000..5555555
                --- /dev/null
                +++ b/mm/new.c
                @@ -0,0 +1,2 @@
                +n1
                +n2
                diff --git a/mm/gone.c b/mm/gone.c
                deleted file mode 100644
                index 6666666..0000000
                --- a/mm/gone.c
                +++ /dev/null
                @@ -1,2 +0,0 @@
                -g1
                -g2
                diff --git a/mm/empty.h b/mm/empty.h
                new file mode 100644
                index 0000000..e69de29
                diff --git a/scripts/run.sh b/scripts/run.sh
                old mode 100644
                new mode 100755
                """, "series.diff");
        assertThat(diff.files()).extracting(FileDiff::oldPath, FileDiff::newPath, FileDiff::kind).containsExactly(
                tuple("mm/a.c", "mm/a.c", Kind.MODIFIED),
                tuple("mm/b.c", "mm/b.c", Kind.MODIFIED),
                tuple(null, "mm/new.c", Kind.ADDED),
                tuple("mm/gone.c", null, Kind.DELETED),
                tuple(null, "mm/empty.h", Kind.ADDED));

        PatchedTree tree = diff.apply(root);
        assertThat(tree.files()).extracting(PatchedFile::path)
                .containsExactly("mm/a.c", "mm/b.c", "mm/new.c", "mm/gone.c", "mm/empty.h");
        assertThat(tree.file("mm/a.c").orElseThrow().patched()).isEqualTo("a1\nA2\na3\n");
        assertThat(tree.file("mm/b.c").orElseThrow().patched()).isEqualTo("b1\nb2\nb3\n");
        PatchedFile added = tree.file("mm/new.c").orElseThrow();
        assertThat(added.original()).isNull();
        assertThat(added.patched()).isEqualTo("n1\nn2\n");
        assertThat(added.lines().changes()).containsExactly(new Change(1, 0, 1, 2));
        assertThat(added.lines().originalLine(2)).isEmpty();
        PatchedFile gone = tree.file("mm/gone.c").orElseThrow();
        assertThat(gone.original()).isEqualTo("g1\ng2\n");
        assertThat(gone.patched()).isNull();
        assertThat(tree.file("mm/empty.h").orElseThrow().patched()).isEmpty();
        tree.files().forEach(SourceDiffFuzzTest::assertConsistent);
    }

    @Test
    void readsATreeDiffMadeWithDiffUrN() throws IOException {
        write("fs/x.c", "one\ntwo\nthree\n");
        SourceDiff diff = SourceDiff.parse("""
                diff -urN linux.orig/fs/added.c linux/fs/added.c
                --- linux.orig/fs/added.c\t1970-01-01 00:00:00.000000000 +0000
                +++ linux/fs/added.c\t2025-03-01 19:09:24.389243083 +0000
                @@ -0,0 +1 @@
                +added
                diff -urN linux.orig/fs/x.c linux/fs/x.c
                --- linux.orig/fs/x.c\t2025-03-01 19:09:24.389243083 +0000
                +++ linux/fs/x.c\t2025-03-01 19:09:24.389243083 +0000
                @@ -1,3 +1,4 @@
                 one
                -two
                +2
                 three
                +four
                \\ No newline at end of file
                """, "tree.diff");
        assertThat(diff.files()).extracting(FileDiff::path, FileDiff::kind).containsExactly(
                tuple("fs/added.c", Kind.ADDED),
                tuple("fs/x.c", Kind.MODIFIED));
        PatchedTree tree = diff.apply(root);
        assertThat(tree.file("fs/added.c").orElseThrow().patched()).isEqualTo("added\n");
        assertThat(tree.file("fs/x.c").orElseThrow().patched()).isEqualTo("one\n2\nthree\nfour");
    }

    @Test
    void aMissingFinalNewlineIsKeptOrAddedAsTheMarkerSays() throws IOException {
        write("a.c", "x\nlast");
        write("b.c", "y\nend\n");
        PatchedTree tree = SourceDiff.parse("""
                --- a/a.c
                +++ b/a.c
                @@ -1,2 +1,2 @@
                 x
                -last
                \\ No newline at end of file
                +last
                --- a/b.c
                +++ b/b.c
                @@ -1,2 +1,2 @@
                 y
                -end
                +end
                \\ No newline at end of file
                """, "eol.diff").apply(root);
        assertThat(tree.file("a.c").orElseThrow().patched()).isEqualTo("x\nlast\n");
        assertThat(tree.file("b.c").orElseThrow().patched()).isEqualTo("y\nend");
    }

    @Test
    void crlfLinesAreMatchedAndKeptExactly() throws IOException {
        write("drivers/dos.c", "first\r\nsecond\r\nthird\r\n");
        PatchedFile dos = SourceDiff.parse("--- a/drivers/dos.c\r\n+++ b/drivers/dos.c\r\n@@ -1,3 +1,3 @@\r\n"
                + " first\r\n-second\r\n+SECOND\r\n third\r\n", "dos.diff").apply(root).files().getFirst();
        assertThat(dos.patched()).isEqualTo("first\r\nSECOND\r\nthird\r\n");

        assertThatThrownBy(() -> SourceDiff.parse("--- a/drivers/dos.c\n+++ b/drivers/dos.c\n@@ -1,3 +1,3 @@\n"
                + " first\n-second\n+SECOND\n third\n", "unix.diff").apply(root))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("at line 1 the diff expects \"first\" but the file has \"first\\r\"");
    }

    @Test
    void aHunkOffByAFewLinesAppliesAtTheNearestMatchAndLaterHunksFollowItsOffset() throws IOException {
        write("lib/shifted.c", "extra 1\nextra 2\nextra 3\n" + numbered(40));
        // both headers count from the unshifted file: the first is found 3 lines down, the second is expected there
        PatchedFile shifted = SourceDiff.parse("""
                --- a/lib/shifted.c
                +++ b/lib/shifted.c
                @@ -10,3 +10,3 @@
                 line 10
                -line 11
                +LINE 11
                 line 12
                @@ -30,3 +30,2 @@
                 line 30
                -line 31
                 line 32
                """, "shift.diff").apply(root).files().getFirst();
        assertThat(shifted.patched()).isEqualTo("extra 1\nextra 2\nextra 3\n"
                + numbered(40).replace("line 11\n", "LINE 11\n").replace("line 31\n", ""));
        assertThat(shifted.lines().changes()).containsExactly(new Change(14, 1, 14, 1), new Change(34, 1, 34, 0));

        write("lib/earlier.c", numbered(40).replace("line 5\n", ""));
        PatchedFile earlier = SourceDiff.parse("""
                --- a/lib/earlier.c
                +++ b/lib/earlier.c
                @@ -20,3 +20,3 @@
                 line 20
                -line 21
                +LINE 21
                 line 22
                """, "back.diff").apply(root).files().getFirst();
        assertThat(earlier.lines().changes()).containsExactly(new Change(20, 1, 20, 1));
    }

    @Test
    void aHunkCutOffByTheTopOfTheFileAppliesOnlyThere() throws IOException {
        write("top.c", "new first line\n" + numbered(10));
        assertThatThrownBy(() -> SourceDiff.parse("""
                --- a/top.c
                +++ b/top.c
                @@ -1,4 +1,4 @@
                 line 1
                -line 2
                +LINE 2
                 line 3
                 line 4
                """, "top.diff").apply(root))
                .isInstanceOf(SutureException.class)
                .hasMessageContaining("does not apply at the top of the file")
                .hasMessageContaining("at line 1 the diff expects \"line 1\" but the file has \"new first line\"");
    }

    @Test
    void aHunkThatDoesNotApplyNamesTheFileHunkHeaderAndTheLineThatDiffers() throws IOException {
        write("fs/proc/foo.c", FOO_C.replace("kbuf[16]", "kbuf[32]"));
        SourceTree kernel = new SourceTree("6.1.0-56-cloud-amd64", "6.1.148-1", root, root.resolve("build"));
        SourceDiff diff = SourceDiff.parse(STABLE_MAIL, "0017-proc-foo.patch");
        assertThatThrownBy(() -> diff.apply(kernel))
                .isInstanceOf(SutureException.class)
                .hasMessage("fs/proc/foo.c: hunk #1 (@@ -21,6 +21,8 @@, diff line 29) does not apply at line 21 or at"
                        + " any offset: at line 22 the diff expects \"\\tchar kbuf[16];\" but the file has"
                        + " \"\\tchar kbuf[32];\"")
                .satisfies(e -> assertThat(((SutureException) e).fix()).isEqualTo("the diff is not against this"
                        + " kernel's source (linux-source 6.1.148-1); rebase it onto linux-source 6.1.148-1"));
    }

    @Test
    void theSecondOfTwoHunksFailingIsNamedWithItsHeader() throws IOException {
        write("kernel/two.c", numbered(30).replace("line 14\n", "line fourteen\n"));
        assertThatThrownBy(() -> SourceDiff.parse("""
                --- a/kernel/two.c
                +++ b/kernel/two.c
                @@ -2,3 +2,3 @@
                 line 2
                -line 3
                +LINE 3
                 line 4
                @@ -12,7 +12,8 @@
                 line 12
                 line 13
                 line 14
                +inserted
                 line 15
                 line 16
                 line 17
                 line 18
                """, "two.diff").apply(root))
                .isInstanceOf(SutureException.class)
                .hasMessageStartingWith("kernel/two.c: hunk #2 (@@ -12,7 +12,8 @@, diff line 8) does not apply at line 12")
                .hasMessageEndingWith("at line 14 the diff expects \"line 14\" but the file has \"line fourteen\"")
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains("rebase it onto"));
    }

    @Test
    void aFileTheTreeDoesNotHaveOrAlreadyHasIsAClearError() throws IOException {
        assertThatThrownBy(() -> SourceDiff.parse(STABLE_MAIL, "fix.patch").apply(root))
                .isInstanceOf(SutureException.class)
                .hasMessage("fs/proc/foo.c: the diff changes this file, but the source tree " + root
                        + " has no such file");
        write("mm/new.c", "already here\n");
        assertThatThrownBy(() -> SourceDiff.parse("--- /dev/null\n+++ b/mm/new.c\n@@ -0,0 +1 @@\n+n\n", "new.diff")
                .apply(root))
                .isInstanceOf(SutureException.class).hasMessageContaining("mm/new.c: the diff adds this file, but");
        write("mm/old.c", "o1\no2\no3\n");
        assertThatThrownBy(() -> SourceDiff.parse("--- a/mm/old.c\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-o1\n-o2\n", "rm.diff")
                .apply(root))
                .isInstanceOf(SutureException.class).hasMessageContaining("mm/old.c: the diff deletes the file");
    }

    @Test
    void aHandMadeDiffAgainstABackupCopyPatchesTheFileTheTreeHas() throws IOException {
        write("net/sock.c", "s1\ns2\n");
        PatchedFile sock = SourceDiff.parse("--- net/sock.c\t2025-01-01\n+++ net/sock.c.new\t2025-01-02\n"
                + "@@ -1,2 +1,2 @@\n s1\n-s2\n+S2\n", "backup.diff").apply(root).files().getFirst();
        assertThat(sock.path()).isEqualTo("net/sock.c");
        assertThat(sock.patched()).isEqualTo("s1\nS2\n");
    }

    @Test
    void applyingNeverWritesToTheTree() throws IOException {
        write("fs/proc/foo.c", FOO_C);
        Files.setLastModifiedTime(root.resolve("fs/proc/foo.c"), FileTime.fromMillis(1_000_000_000_000L));
        Map<String, String> before = snapshot();
        SourceDiff.parse(STABLE_MAIL, "fix.patch").apply(root);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aRemovedLineThatReadsLikeTheMailSignatureIsStillPartOfItsHunk() throws IOException {
        write("doc.txt", "intro\n- \nend\n");
        SourceDiff diff = SourceDiff.parse("""
                From: A <a@example.org>
                Subject: doc: drop the empty bullet

                ---
                --- a/doc.txt
                +++ b/doc.txt
                @@ -1,3 +1,2 @@
                 intro
                --\s
                 end
                --\s
                2.39.5
                """, "bullet.patch");
        assertThat(diff.files().getFirst().hunks().getFirst().lines()).extracting(Hunk.Line::op)
                .containsExactly(Hunk.Op.CONTEXT, Hunk.Op.REMOVED, Hunk.Op.CONTEXT);
        assertThat(diff.apply(root).files().getFirst().patched()).isEqualTo("intro\nend\n");
    }

    @Test
    void aMailSubjectIsDecodedAndItsTagsDropped() {
        SourceDiff diff = SourceDiff.parse("""
                From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
                From: =?UTF-8?q?J=C3=B6rn=20Engel?= <joern@example.org>
                Subject: [PATCH v2 3/7] =?UTF-8?q?mtd:=20fix=20the=20f=C3=B6o?=
                 =?UTF-8?q?=20counter?=

                --- a/x.c
                +++ b/x.c
                @@ -1 +1 @@
                -a
                +b
                """, "mail.patch");
        assertThat(diff.subject()).contains("mtd: fix the föo counter");
    }

    @Test
    void readDecodesTheFileAndNamesMessagesAfterIt() throws IOException {
        Path file = root.resolve("fix.diff");
        Files.writeString(file, "\n\n@@ -1 +1 @@\n");
        assertThatThrownBy(() -> SourceDiff.read(file)).isInstanceOf(SutureException.class)
                .hasMessageStartingWith("fix.diff:3: ");
        assertThatThrownBy(() -> SourceDiff.read(root.resolve("absent.diff"))).isInstanceOf(SutureException.class)
                .hasMessageStartingWith("cannot read ");
        Path mail = root.resolve("0001.patch");
        Files.writeString(mail, STABLE_MAIL);
        assertThat(SourceDiff.read(mail).name()).isEqualTo("0001.patch");
    }

    @Test
    void aDiffWithoutHunksIsRefused() {
        for (String text : new String[] {"", "just some text\n", "diff --git a/x b/x\nold mode 100644\nnew mode 100755\n",
                "From: a@b\nSubject: nothing\n\nno diff here\n"}) {
            refused(() -> SourceDiff.parse(text, "empty.diff"), "empty.diff: no hunks", "give a unified diff");
        }
    }

    @Test
    void binaryPatchesAreRefused() {
        refused(() -> SourceDiff.parse("""
                diff --git a/fw.bin b/fw.bin
                index 1111111..2222222 100644
                GIT binary patch
                literal 4
                """, "bin.diff"), "bin.diff:3: the diff changes a binary file", "leave binary files out");
        refused(() -> SourceDiff.parse("""
                diff --git a/fw.bin b/fw.bin
                index 1111111..2222222 100644
                Binary files a/fw.bin and b/fw.bin differ
                """, "bin.diff"), "bin.diff:3: the diff changes a binary file", "leave binary files out");
        refused(() -> SourceDiff.parse("Binary files old/fw.bin and new/fw.bin differ\n", "plain.diff"),
                "plain.diff:1: the diff changes a binary file", "leave binary files out");
    }

    @Test
    void renamesAndCopiesAreRefused() {
        refused(() -> SourceDiff.parse("""
                diff --git a/old.c b/new.c
                similarity index 100%
                rename from old.c
                rename to new.c
                """, "mv.diff"), "mv.diff:3: the diff renames or copies a file (rename from old.c)", "--no-renames");
        refused(() -> SourceDiff.parse("""
                diff --git a/a.c b/b.c
                similarity index 90%
                copy from a.c
                copy to b.c
                --- a/a.c
                +++ b/b.c
                @@ -1 +1 @@
                -a
                +b
                """, "cp.diff"), "cp.diff:3: the diff renames or copies a file (copy from a.c)", "--no-renames");
    }

    @Test
    void malformedHunksNameTheirLineInTheDiff() {
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1,x +1 @@\n-a\n+b\n", "bad.diff"),
                "bad.diff:3: malformed hunk header \"@@ -1,x +1 @@\"", "@@ -12,7 +12,8 @@");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1,99999999999 +1 @@\n-a\n+b\n", "big.diff"),
                "big.diff:3: malformed hunk header", "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -0,2 +1,2 @@\n-a\n+b\n", "zero.diff"),
                "zero.diff:3: malformed hunk header", "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n-b\n", "short.diff"),
                "short.diff:3: the diff ends inside the hunk @@ -1,3 +1,3 @@ (1 original and 2 new lines short)",
                "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n*c\n", "odd.diff"),
                "odd.diff:6: \"*c\" does not fit the hunk @@ -1,2 +1,2 @@ at line 3, which still expects 0 original"
                        + " and 1 new lines", "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1,1 +1,2 @@\n-a\n-b\n+c\n", "over.diff"),
                "over.diff:5: \"-b\" does not fit the hunk", "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n c\n@@ -5 +5 @@\n-e\n+f\n",
                "count.diff"), "count.diff:7: hunk @@ -5 +5 @@ is outside any file's diff", "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n\n", "nohunk.diff"),
                "nohunk.diff:1: the --- and +++ lines are not followed by a hunk", "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n\\ No newline at end of file\n-a\n+b\n",
                "marker.diff"), "marker.diff:4: \"\\\\ No newline at end of file\" does not follow a line",
                "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n-a\n\\ No newline at end of file\n+b\n c\n",
                "after.diff"), "after.diff:7: \" c\" comes after the line marked as the last of its file",
                "regenerate the diff");
        refused(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n\\ No newline at end of file\n"
                + "@@ -5 +5 @@\n-e\n+f\n", "later.diff"),
                "later.diff:7: hunk @@ -5 +5 @@ follows one that ends the file without a newline", "regenerate the diff");
    }

    @Test
    void aHunkEndingTheFileMustReachItsEnd() throws IOException {
        write("x.c", "a\nb\nc\n");
        assertThatThrownBy(() -> SourceDiff.parse("--- a/x.c\n+++ b/x.c\n@@ -2 +2 @@\n-b\n+B\n\\ No newline at end of file\n",
                "eof.diff").apply(root))
                .isInstanceOf(SutureException.class)
                .hasMessage("x.c: hunk #1 (@@ -2,1 +2,1 @@, diff line 3) ends the file without a newline, but the file"
                        + " goes on after line 2");
        write("short.c", "line 1\n");
        assertThatThrownBy(() -> SourceDiff.parse("--- a/short.c\n+++ b/short.c\n@@ -1,3 +1,3 @@\n-line 1\n+LINE 1\n"
                + " line 2\n line 3\n", "short.diff").apply(root))
                .isInstanceOf(SutureException.class)
                .hasMessageEndingWith("does not apply at the top of the file: the diff expects \"line 2\" at line 2,"
                        + " but the file has only 1 lines");
    }

    @Test
    void pathsOutsideTheTreeAndFilesChangedTwiceAreRefused() {
        refused(() -> SourceDiff.parse("--- a/../etc/passwd\n+++ b/../etc/passwd\n@@ -1 +1 @@\n-a\n+b\n", "up.diff"),
                "up.diff:1: path ../etc/passwd leaves the source tree", "relative to the kernel source root");
        refused(() -> SourceDiff.parse("--- /usr/src/x.c\n+++ /usr/src/x.c\n@@ -1 +1 @@\n-a\n+b\n", "abs.diff"),
                "abs.diff:1: absolute path /usr/src/x.c", "from inside the source tree");
        String once = "--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n";
        refused(() -> SourceDiff.parse(once + once.replace("-a\n+b", "-b\n+c"), "twice.diff"),
                "twice.diff: x.c is changed by more than one part of the diff", "one diff with one part per file");
    }

    @Test
    void anEncodedMailBodyIsRefused() {
        refused(() -> SourceDiff.parse("""
                From: a@example.org
                Subject: [PATCH] x
                Content-Transfer-Encoding: quoted-printable

                ---
                --- a/x.c
                +++ b/x.c
                @@ -1 +1 @@
                -a=3D1
                +a=3D2
                """, "qp.patch"), "qp.patch: the mail's body is quoted-printable encoded", "git format-patch");
    }

    @Test
    void quotedGitNamesAreUnquoted() {
        SourceDiff diff = SourceDiff.parse("""
                diff --git "a/dir/t\\303\\244b.c" "b/dir/t\\303\\244b.c"
                --- "a/dir/t\\303\\244b.c"
                +++ "b/dir/t\\303\\244b.c"
                @@ -1 +1 @@
                -a
                +b
                """, "quoted.diff");
        assertThat(diff.files().getFirst().path()).isEqualTo("dir/täb.c");
    }

    /**
     * The line map on a hand-checked example: line 3 replaced by two lines, line 6 removed, two lines inserted
     * after line 8, as diff -U0 writes it, so the hunks are exactly the changes.
     */
    @Test
    void theLineMapOfAConcreteDiff() throws IOException {
        write("m.c", numbered(10));
        LineMap map = SourceDiff.parse("""
                --- a/m.c
                +++ b/m.c
                @@ -3 +3,2 @@
                -line 3
                +line 3a
                +line 3b
                @@ -6 +6,0 @@
                -line 6
                @@ -8,0 +9,2 @@
                +new 1
                +new 2
                """, "map.diff").apply(root).files().getFirst().lines();
        // original: 1 2 3 4 5 6 7 8 9 10 / patched: 1 2 3a 3b 4 5 7 8 new1 new2 9 10
        assertThat(map.originalLines()).isEqualTo(10);
        assertThat(map.patchedLines()).isEqualTo(12);
        int[][] expected = {{1, 1}, {2, 2}, {3, 0}, {4, 5}, {5, 6}, {6, 0}, {7, 7}, {8, 8}, {9, 11}, {10, 12}};
        for (int[] pair : expected) {
            assertThat(map.patchedLine(pair[0])).as("line %d", pair[0])
                    .isEqualTo(pair[1] == 0 ? OptionalInt.empty() : OptionalInt.of(pair[1]));
        }
        assertThat(map.originalLine(3)).isEmpty();
        assertThat(map.originalLine(5)).hasValue(4);
        assertThat(map.originalLine(9)).isEmpty();
        assertThat(map.originalLine(11)).hasValue(9);
        assertThat(map.shift(2)).hasValue(0);
        assertThat(map.shift(4)).hasValue(1);
        assertThat(map.shift(7)).hasValue(0);
        assertThat(map.shift(9)).hasValue(2);
        assertThat(map.shift(6)).isEmpty();
        assertThat(map.changes()).containsExactly(new Change(3, 1, 3, 2), new Change(6, 1, 7, 0),
                new Change(9, 0, 9, 2));
        assertThat(map.changedOriginalLines()).containsExactly(3, 6, 9);
        assertThat(map.changedPatchedLines()).containsExactly(3, 4, 7, 9, 10);
        assertThat(map.changesOriginal(4, 5)).isFalse();
        assertThat(map.changesOriginal(5, 6)).isTrue();
        assertThat(map.changesOriginal(8, 9)).as("the insertion is between 8 and 9").isTrue();
        assertThat(map.changesOriginal(9, 10)).as("the insertion is before the range").isFalse();
        assertThat(map.changesOriginal(7, 8)).as("the insertion is after the range").isFalse();
        assertThat(map.changesPatched(5, 6)).isFalse();
        assertThat(map.changesPatched(6, 7)).as("line 6 was removed between them").isTrue();
        assertThat(map.changesPatched(7, 8)).as("the gap is before the range").isFalse();
        assertThat(map.patchedLine(11)).as("past the end").isEmpty();
        assertThat(map.patchedLine(0)).isEmpty();
        assertThat(map.originalLine(13)).isEmpty();
        assertThat(map.shift(-5)).isEmpty();
    }

    @Test
    void aPureInsertionAtTheEndOfTheFileIsPlacedAfterItsLastLine() throws IOException {
        write("end.c", "a\nb\n");
        LineMap map = SourceDiff.parse("--- a/end.c\n+++ b/end.c\n@@ -2,0 +3 @@\n+c\n", "end.diff")
                .apply(root).files().getFirst().lines();
        assertThat(map.changes()).containsExactly(new Change(3, 0, 3, 1));
        assertThat(map.changedOriginalLines()).containsExactly(3);
        assertThat(map.changesOriginal(1, 2)).isFalse();
    }

    /**
     * Random edits of a file, diffed by java-diff-utils, an independent writer of the format, with 1 to 3 lines
     * of context (not 0: for a side with no lines it writes the start one past where diff -U0 and GNU patch put
     * it): the diff must apply to give exactly the edited text, with one change per delta the library found.
     * Short lines from a small alphabet (blank, CR-terminated, repeated) make matching ambiguous on purpose.
     */
    @Test
    void agreesWithAnIndependentDiffWriterOnRandomEdits() {
        Random random = new Random(20250301);
        String[] alphabet = {"a", "b", "}", "", "\treturn 0;", "x\r", "-- ", "+"};
        for (int round = 0; round < 2000; round++) {
            List<String> original = new ArrayList<>();
            for (int i = random.nextInt(30); i >= 0; i--) {
                original.add(alphabet[random.nextInt(alphabet.length)]);
            }
            List<String> revised = edit(random, original, () -> alphabet[random.nextInt(alphabet.length)]);
            Patch<String> patch = DiffUtils.diff(original, revised);
            if (patch.getDeltas().isEmpty()) {
                continue;
            }
            String diff = unified(original, patch, 1 + random.nextInt(3));
            PatchedFile file = applyInMemory(diff, original);
            assertThat(file.patched()).as(diff).isEqualTo(joined(revised));
            assertThat(file.lines().changes()).as(diff).containsExactlyElementsOf(patch.getDeltas().stream()
                    .map(d -> new Change(d.getSource().getPosition() + 1, d.getSource().size(),
                            d.getTarget().getPosition() + 1, d.getTarget().size()))
                    .toList());
            SourceDiffFuzzTest.assertConsistent(file);
        }
    }

    /** The same against a tree whose file gained and lost lines above and between the edits since the diff. */
    @Test
    void agreesWithAnIndependentDiffWriterWhenTheFileHasMoved() {
        Random random = new Random(7);
        int[] unique = {0};
        Supplier<String> fresh = () -> "line " + unique[0]++;
        for (int round = 0; round < 500; round++) {
            List<String> middle = new ArrayList<>();
            for (int i = random.nextInt(40); i >= 0; i--) {
                middle.add(fresh.get());
            }
            // guard lines keep hunks off the file's ends, where a hunk must apply exactly at the top or bottom
            List<String> original = new ArrayList<>(List.of("head 1", "head 2", "head 3", "head 4"));
            original.addAll(middle);
            original.addAll(List.of("tail 1", "tail 2", "tail 3", "tail 4"));
            List<String> revised = new ArrayList<>(original.subList(0, 4));
            revised.addAll(edit(random, middle, fresh));
            revised.addAll(original.subList(original.size() - 4, original.size()));
            Patch<String> patch = DiffUtils.diff(original, revised);
            if (patch.getDeltas().isEmpty()) {
                continue;
            }
            List<String> moved = new ArrayList<>();
            for (int i = random.nextInt(20); i > 0; i--) {
                moved.add("earlier " + i);
            }
            moved.addAll(original.subList(1, original.size())); // and head 1 is gone
            String diff = unified(original, patch, 1 + random.nextInt(3));
            PatchedFile file = applyInMemory(diff, moved);
            List<String> expected = new ArrayList<>(moved.subList(0, moved.size() - original.size() + 1));
            expected.addAll(revised.subList(1, revised.size()));
            assertThat(file.patched()).as(diff).isEqualTo(joined(expected));
            SourceDiffFuzzTest.assertConsistent(file);
        }
    }

    private static List<String> edit(Random random, List<String> lines, Supplier<String> newLine) {
        List<String> edited = new ArrayList<>(lines);
        for (int i = random.nextInt(5); i >= 0; i--) {
            int at = random.nextInt(edited.size() + 1);
            switch (random.nextInt(3)) {
                case 0 -> edited.add(at, newLine.get());
                case 1 -> {
                    if (at < edited.size()) {
                        edited.remove(at);
                    }
                }
                default -> {
                    if (at < edited.size()) {
                        edited.set(at, newLine.get());
                    }
                }
            }
        }
        return edited;
    }

    private static String unified(List<String> original, Patch<String> patch, int context) {
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff("a/f.c", "b/f.c", original, patch, context))
                + "\n";
    }

    private static PatchedFile applyInMemory(String diff, List<String> original) {
        FileDiff file = SourceDiff.parse(diff, "random.diff").files().getFirst();
        return FilePatcher.apply(file, "f.c", joined(original), "the tree", "rebase");
    }

    private static String joined(List<String> lines) {
        return lines.stream().map(l -> l + "\n").collect(Collectors.joining());
    }

    private void refused(ThrowingCallable call, String cause, String fix) {
        assertThatThrownBy(call).isInstanceOf(SutureException.class).hasMessageStartingWith(cause)
                .satisfies(e -> assertThat(((SutureException) e).fix()).contains(fix));
    }

    private void write(String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private Map<String, String> snapshot() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(root.relativize(p).toString(), Files.isRegularFile(p)
                        ? Files.readString(p) + "@" + Files.getLastModifiedTime(p) : "dir");
            }
        }
        return files;
    }

    static String numbered(int lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= lines; i++) {
            text.append("line ").append(i).append('\n');
        }
        return text.toString();
    }
}
