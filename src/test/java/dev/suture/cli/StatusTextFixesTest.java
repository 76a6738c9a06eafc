package dev.suture.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.channel.LocalChannel;
import dev.suture.machine.LivepatchState;
import dev.suture.machine.MachineStatus;
import dev.suture.machine.RunningKernel;
import dev.suture.manifest.Fixes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The human status names what each patch fixes, under the patch. */
class StatusTextFixesTest {
    @Test
    void eachPatchThatSaysWhatItFixesHasAFixesLine() {
        MachineStatus s = new MachineStatus("vm:lab", new RunningKernel("6.1.0-57-cloud-amd64", "ab12"),
                new LivepatchState(true, List.of(new LivepatchState.Patch("suture_cmdline", true, false, List.of()),
                        new LivepatchState.Patch("suture_other", true, false, List.of()))),
                Map.of(), List.of(), Map.of(), Map.of(),
                Map.of("suture_cmdline", new Fixes("show the length", List.of("CVE-2026-0001"))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        StatusText.print(s, new LocalChannel(), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""
                vm:lab runs 6.1.0-57-cloud-amd64 (build id ab12)
                suture_cmdline: enabled
                  fixes: CVE-2026-0001; show the length
                suture_other: enabled
                """);
    }
}
