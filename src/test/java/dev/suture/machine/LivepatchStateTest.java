package dev.suture.machine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import org.junit.jupiter.api.Test;

class LivepatchStateTest {
    private static final String DUMP = """
            patch suture_fix 1 0
            object vmlinux 1
            function cmdline_proc_show,0
            function c_next,2
            object xfs 0
            function xfs_stats_format,0
            """;

    @Test
    void functionsAreNamesWithTheirPositionsNotSysfsStrings() throws Exception {
        LivepatchState state = LivepatchState.parse(DUMP);

        var vmlinux = state.patch("suture_fix").orElseThrow().objects().getFirst();
        assertThat(vmlinux.functions()).containsExactly(new LivepatchState.PatchedFunction("cmdline_proc_show", 0),
                new LivepatchState.PatchedFunction("c_next", 2));
        assertThat(vmlinux.functions().get(1).sysfsName()).isEqualTo("c_next,2");

        JsonNode json = Json.MAPPER.readTree(Json.write(state));
        JsonNode function = json.at("/patches/0/objects/0/functions/1");
        assertThat(function.get("name").asText()).isEqualTo("c_next");
        assertThat(function.get("position").asInt()).isEqualTo(2);
        assertThat(json.at("/patches/0/objects/1/patched").asBoolean()).isFalse();
    }

    @Test
    void aPatchCutShortWhileSysfsChangesIsLeftOutWithItsObjects() {
        // Read as the old dump could read a patch being removed: its transition file already gone.
        LivepatchState state = LivepatchState.parse("""
                patch suture_gone 1
                object vmlinux 1
                function cmdline_proc_show,0
                """ + DUMP);

        assertThat(state.patches()).extracting(LivepatchState.Patch::name).containsExactly("suture_fix");
        assertThat(state.patch("suture_fix").orElseThrow().objects()).hasSize(2);
    }
}
