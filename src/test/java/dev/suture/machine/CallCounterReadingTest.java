package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.manifest.PatchManifest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Parsing what a 6.1 kernel's hist files say (texts as Debian's 6.1.0-57 printed them) and naming the probes. */
class CallCounterReadingTest {
    /** The hist file of Suture's trigger after three reads of /proc/cmdline. */
    private static final String OURS = """
            # event histogram
            #
            # trigger info: hist:keys=__probe_ip:vals=hitcount:sort=hitcount:size=2048 [active]
            #

            { __probe_ip: 18446744072638828544 } hitcount:          3

            Totals:
                Hits: 3
                Entries: 1
                Dropped: 0
            """;

    /** Someone's own hist trigger on the same event comes first: its totals are not Suture's. */
    private static final String TWO_TRIGGERS = """
            # event histogram
            #
            # trigger info: hist:keys=common_pid.execname:vals=hitcount:sort=hitcount:size=2048 [active]
            #

            { common_pid: cat             [      1656] } hitcount:          1
            { common_pid: cat             [      1654] } hitcount:          1

            Totals:
                Hits: 7
                Entries: 2
                Dropped: 0


            # event histogram
            #
            # trigger info: hist:keys=__probe_ip:vals=hitcount:sort=hitcount:size=2048 [active]
            #

            { __probe_ip: 18446744072638828544 } hitcount:          2

            Totals:
                Hits: 2
                Entries: 1
                Dropped: 0
            """;

    @Test
    void hitsAreTheTotalsOfSuturesTrigger() {
        assertThat(CallCounterReading.hits(OURS)).isEqualTo(OptionalLong.of(3));
        assertThat(CallCounterReading.hits(TWO_TRIGGERS)).isEqualTo(OptionalLong.of(2));
    }

    @Test
    void aHistWithoutSuturesTriggerHasNoHits() {
        String othersOnly = TWO_TRIGGERS.substring(0, TWO_TRIGGERS.indexOf("\n\n\n"));
        assertThat(CallCounterReading.hits(othersOnly)).isEmpty();
        assertThat(CallCounterReading.hits("")).isEmpty();
    }

    @Test
    void noCallsYetIsZero() {
        String none = """
                # event histogram
                #
                # trigger info: hist:keys=__probe_ip:vals=hitcount:sort=hitcount:size=2048 [active]
                #


                Totals:
                    Hits: 0
                    Entries: 0
                    Dropped: 0
                """;
        assertThat(CallCounterReading.hits(none)).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void theMachinesAnswerGivesEachPatchItsStartAndCalls() {
        String answer = "patch suture_cmdline\nsince 1700000000\nfunction cmdline_proc_show\n" + prefixed(OURS)
                + "patch suture_two\nsince 1700000100\nfunction vmlinux:show,1\n" + prefixed(TWO_TRIGGERS)
                + "function vmlinux:show,2\n"  // its hist file could not be read: absent, not zero
                + "function other\n" + prefixed(OURS.replace("Hits: 3", "Hits: 41"));
        Map<String, CallCounterReading.Counted> read = CallCounterReading.parse(answer);
        assertThat(read).containsOnlyKeys("suture_cmdline", "suture_two");
        assertThat(read.get("suture_cmdline").since()).isEqualTo(Instant.ofEpochSecond(1700000000));
        assertThat(read.get("suture_cmdline").calls()).containsExactly(Map.entry("cmdline_proc_show", 3L));
        assertThat(read.get("suture_two").calls()).containsExactly(Map.entry("vmlinux:show,1", 2L), Map.entry("other", 41L));
    }

    @Test
    void aRecordWithoutItsStartIsNoCount() {
        assertThat(CallCounterReading.parse("patch suture_x\nfunction f\n" + prefixed(OURS))).isEmpty();
        assertThat(CallCounterReading.parse("")).isEmpty();
    }

    @Test
    void probesAreNamedAsTheKernelTakesThem() {
        PatchManifest manifest = new PatchManifest(1, "suture_x", "r", "b", "x.c", "0", Instant.EPOCH, false, List.of(
                new PatchManifest.Function("vmlinux", "cmdline_proc_show", 0, "patched_cmdline_proc_show"),
                new PatchManifest.Function("vmlinux", "show.isra.0", 0, "show.isra.0"),
                new PatchManifest.Function("vmlinux", "dup", 1, "dup_1"),
                new PatchManifest.Function("xfs", "dup", 0, "dup_2"),
                new PatchManifest.Function("vmlinux", "a".repeat(80), 0, "long")));
        List<CallCounterProbe> probes = CallCounterProbe.of(manifest);
        assertThat(probes).extracting(CallCounterProbe::event).containsExactly("cmdline_proc_show", "show_isra_0",
                "dup", "dup_2", "a".repeat(63));
        assertThat(probes).extracting(CallCounterProbe::function).containsExactly("cmdline_proc_show", "show.isra.0",
                "vmlinux:dup,1", "xfs:dup,0", "a".repeat(80));
        assertThat(probes).extracting(CallCounterProbe::replacement).containsExactly("patched_cmdline_proc_show",
                "show.isra.0", "dup_1", "dup_2", "long");
        assertThat(CallCounterProbe.eventName("9lives")).isEqualTo("_9lives");
    }

    private static String prefixed(String hist) {
        return hist.lines().map(l -> "| " + l).reduce("", (a, b) -> a + b + "\n");  // as sed prefixes them
    }
}
