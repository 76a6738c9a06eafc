package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's main job passes end to end: build, boot, apply live under load, revert. */
class DemoCommandTest {

    @Test
    void demoPassesEveryStep() {
        CliRun run = CliRun.of("demo");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("suture.patched=").contains("demo passed: every step behaved");
    }
}
