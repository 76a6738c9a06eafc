package dev.suture.patch.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Which differences a line map explains: a number must have moved from exactly its old line to exactly its new one. */
class MovedLinesTest {
    /** A blank line added at the top of a 5000-line file: every line n is now n + 1. */
    private static final MovedLines BLANK_LINE_ON_TOP = new MovedLines((from, to) -> from >= 1 && from <= 5000 && to == from + 1);

    @Test
    void aStringWhoseLineMovedAsTheDiffSaysIsTheSameString() {
        assertThat(BLANK_LINE_ON_TOP.inText("field \"slots\" at lib/maple_tree.c:2057", "field \"slots\" at lib/maple_tree.c:2058")).isTrue();
        assertThat(BLANK_LINE_ON_TOP.inText("binfmt_misc:12:(map)->lock at 3", "binfmt_misc:13:(map)->lock at 4")).isTrue();
    }

    @Test
    void aNumberThatChangedOtherwiseIsAChange() {
        // moved by two, where the diff moved every line by one
        assertThat(BLANK_LINE_ON_TOP.inText("at lib/maple_tree.c:2057", "at lib/maple_tree.c:2059")).isFalse();
        // a number the map knows nothing of (no such line)
        assertThat(BLANK_LINE_ON_TOP.inText("limit 70000", "limit 70001")).isFalse();
        // the text around the number changed too
        assertThat(BLANK_LINE_ON_TOP.inText("at a.c:10", "in a.c:11")).isFalse();
        assertThat(BLANK_LINE_ON_TOP.inText("a.c:10", "a.c:11 ")).isFalse();
        // a number appeared or vanished, or was written another way
        assertThat(BLANK_LINE_ON_TOP.inText("a.c:10", "a.c:10:11")).isFalse();
        assertThat(BLANK_LINE_ON_TOP.inText("a.c:10", "a.c:011")).isFalse();
        assertThat(BLANK_LINE_ON_TOP.inText("same 10", "same 10")).as("equal strings are no line move").isFalse();
    }

    @Test
    void aLineInTheLowBitsOfAWordCountsInDataOnly() {
        // struct _ddebug: lineno:18, class_id:6 (63: the default class), flags:8
        byte[] a = word(100 | 63 << 18 | 1 << 24);
        byte[] b = word(101 | 63 << 18 | 1 << 24);
        assertThat(BLANK_LINE_ON_TOP.inData(a, b)).isTrue();
        assertThat(BLANK_LINE_ON_TOP.inImmediates(a, b)).as("an immediate is the whole value").isFalse();
        // the flags changed as well: not a line move
        assertThat(BLANK_LINE_ON_TOP.inData(a, word(101 | 63 << 18 | 3 << 24))).isFalse();
        // a whole 32-bit line moved: an immediate
        assertThat(BLANK_LINE_ON_TOP.inImmediates(word(100), word(101))).isTrue();
        assertThat(BLANK_LINE_ON_TOP.inImmediates(word(100), word(102))).isFalse();
    }

    private static byte[] word(int value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x11223344).putInt(4, value).array();
    }
}
