package dev.suture.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleScannerTest {

    @Test
    void cleanBootHasNoProblems() {
        String log = """
                [    0.000000] Linux version 6.1.0-56-cloud-amd64 (debian-kernel@lists.debian.org)
                [    0.812345] Run /init as init process
                [    1.100000] random: crng init done
                """;
        assertThat(ConsoleScanner.scan(log)).isEmpty();
    }

    @Test
    void oopsFollowedByPanicIsOneReportNamedByItsFirstLine() {
        String log = """
                [   12.000001] BUG: kernel NULL pointer dereference, address: 0000000000000000\r
                [   12.000002] #PF: supervisor read access in kernel mode
                [   12.000003] Oops: 0000 [#1] PREEMPT SMP NOPTI
                [   12.000004] Kernel panic - not syncing: Fatal exception
                """;
        List<KernelProblem> problems = ConsoleScanner.scan(log);
        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst().kind()).isEqualTo(KernelProblem.Kind.OOPS);
        assertThat(problems.getFirst().summary()).contains("NULL pointer dereference").doesNotContain("\r");
        assertThat(problems.getFirst().context()).anyMatch(l -> l.contains("Kernel panic"));
    }

    @Test
    void recognisesWarningsLockupsAndPanics() {
        assertThat(ConsoleScanner.scan("[ 1.0] WARNING: CPU: 1 PID: 77 at kernel/foo.c:12 foo+0x1/0x2 [bar]\n"))
                .extracting(KernelProblem::kind).containsExactly(KernelProblem.Kind.WARNING);
        assertThat(ConsoleScanner.scan("[ 30.0] watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [sh:90]\n"))
                .extracting(KernelProblem::kind).containsExactly(KernelProblem.Kind.LOCKUP);
        assertThat(ConsoleScanner.scan("[ 2.1] Kernel panic - not syncing: sysrq triggered crash\n"))
                .extracting(KernelProblem::kind).containsExactly(KernelProblem.Kind.PANIC);
        assertThat(ConsoleScanner.scan("[ 9.0] kernel BUG at mm/slub.c:100!\n"))
                .extracting(KernelProblem::kind).containsExactly(KernelProblem.Kind.BUG);
        assertThat(ConsoleScanner.scan("[ 50.0] INFO: task kworker/0:1:12 blocked for more than 120 seconds.\n"))
                .extracting(KernelProblem::kind).containsExactly(KernelProblem.Kind.LOCKUP);
    }

    @Test
    void separateReportsFarApartAreCountedSeparately() {
        StringBuilder log = new StringBuilder("[ 1.0] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x0/0x1\n");
        for (int i = 0; i < 40; i++) {
            log.append("[ 1.").append(i).append("] normal line\n");
        }
        log.append("[ 3.0] WARNING: CPU: 1 PID: 2 at b.c:2 g+0x0/0x1\n");
        assertThat(ConsoleScanner.scan(log.toString())).hasSize(2);
    }
}
