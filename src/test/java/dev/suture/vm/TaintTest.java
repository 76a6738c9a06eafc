package dev.suture.vm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaintTest {
    private static final long O = 1L << 12;
    private static final long E = 1L << 13;
    private static final long K = 1L << 15;
    private static final long W = 1L << 9;
    private static final long D = 1L << 7;

    @Test
    void livepatchTaintIsExpected() {
        assertThat(Taint.unexpectedNewBits(0, O | E | K)).isZero();
    }

    @Test
    void otherNewBitsAreReportedByLetter() {
        long unexpected = Taint.unexpectedNewBits(0, O | K | W | D);
        assertThat(unexpected).isEqualTo(W | D);
        assertThat(Taint.letters(unexpected)).isEqualTo("D W");
    }

    @Test
    void bitsAlreadySetBeforeAreNotNew() {
        assertThat(Taint.unexpectedNewBits(W, W | K)).isZero();
    }
}
