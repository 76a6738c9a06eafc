package dev.suture.kernel.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.suture.Json;
import dev.suture.kernel.CachedKernel;
import dev.suture.kernel.Kernels;
import dev.suture.kernel.build.SpecialSection.Cut;
import dev.suture.kernel.build.SpecialSection.RunPre;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one table of special sections gives each user what it had written down before: the load-time check its
 * set, the run-pre masks their lengths, extraction the sections it cuts per entry; and the probe gives the
 * entry sizes and length fields the run-pre masks used to hard-code.
 */
class SpecialSectionsTest {

    @Test
    void everySectionIsListedOnce() {
        List<String> names = SpecialSections.ALL.stream().map(SpecialSection::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains(SpecialSections.MCOUNT.name());
    }

    @Test
    void theLoadTimeSetIsTheConvertersAndTheTwoTheLoaderAlsoAppliesWithoutExternalReferences() {
        Set<String> before = Set.of("__jump_table", ".static_call_sites", ".altinstructions", ".parainstructions",
                "__ex_table", "__bug_table", ".smp_locks", "__mcount_loc", ".retpoline_sites", ".return_sites",
                ".call_sites", ".orc_unwind_ip", ".init.text", ".exit.text", ".altinstr_replacement", ".altinstr_aux");
        // module_finalize applies these too; neither can hold a reference to another object (ORC data has no
        // relocations, an endbr seal points at the module's own code), so the converter decides as before.
        Set<String> alsoApplied = Set.of(".orc_unwind", ".ibt_endbr_seal");
        Set<String> loadTime = SpecialSections.ALL.stream().filter(SpecialSection::loadTime).map(SpecialSection::name)
                .collect(Collectors.toSet());
        assertThat(loadTime).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(before.stream(), alsoApplied.stream()).toList());
        assertThat(SpecialSections.loadTime(".text")).isFalse();
        assertThat(SpecialSections.loadTime(".rodata")).isFalse();
        assertThat(SpecialSections.loadTime("__jump_table")).isTrue();
    }

    @Test
    void runPreMasksWhatTheOriginalCodeMaskedInTheSameOrder() {
        Map<String, Object> masks = new LinkedHashMap<>();
        for (SpecialSection s : SpecialSections.ALL) {
            if (s.masksRunPre()) {
                masks.put(s.name(), s.runPre() instanceof RunPre.Fixed f ? (Object) f.bytes() : "length field");
            }
        }
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("__mcount_loc", 5);
        before.put(".altinstructions", "length field");
        before.put(".retpoline_sites", 6);
        before.put(".return_sites", 5);
        before.put(".smp_locks", 1);
        before.put(".ibt_endbr_seal", 4);
        before.put("__jump_table", 5);
        before.put(".static_call_sites", 5);
        before.put(".parainstructions", "length field");
        assertThat(masks).containsExactlyEntriesOf(before);
        assertThat(SpecialSections.named("__jump_table").orElseThrow().linkedAs()).isEqualTo("__jump_table");
        assertThat(SpecialSections.named(".static_call_sites").orElseThrow().linkedAs()).isEqualTo("static_call_sites");
        assertThat(SpecialSections.named(".parainstructions").orElseThrow().site()).isEqualTo(SpecialSection.Site.ABSOLUTE);
    }

    @Test
    void extractionCutsPerEntryWhatWasProbedBeforeAndOrcDataFollowsItsInstructionPointers() {
        Set<String> perEntry = SpecialSections.ALL.stream().filter(SpecialSection::perEntry).map(SpecialSection::name)
                .collect(Collectors.toSet());
        assertThat(perEntry).containsExactlyInAnyOrder("__bug_table", "__ex_table", ".altinstructions", "__jump_table",
                ".static_call_sites", ".parainstructions", ".orc_unwind", ".orc_unwind_ip", ".retpoline_sites",
                ".return_sites", ".call_sites", ".smp_locks", "__mcount_loc");
        assertThat(SpecialSections.named(".orc_unwind").orElseThrow().cut()).isEqualTo(new Cut.Parallel(".orc_unwind_ip"));
        assertThat(SpecialSections.named(".ibt_endbr_seal").orElseThrow().cut()).isInstanceOf(Cut.Whole.class);
    }

    @Test
    void theLayoutSurvivesItsCacheFile(@TempDir Path dir) throws IOException {
        SpecialSectionLayout layout = new SpecialSectionLayout(Map.of(".altinstructions", 12, "__bug_table", 12), 8,
                Map.of(".altinstructions", 10));
        Path file = dir.resolve("layout.json");
        Json.writeAtomically(file, layout);
        assertThat(Json.read(file, SpecialSectionLayout.class)).isEqualTo(layout);
        assertThat(Files.readString(file)).contains("lengthFields");
    }

    @Test
    void theProbeGivesTheNumbersTheRunPreMasksHardCodedForThisKernel() {
        CachedKernel kernel = Kernels.resolve(null, System.err);
        SpecialSectionLayout layout = SpecialSectionLayout.of(kernel);
        assertThat(layout.entrySizes()).containsEntry(".altinstructions", 12).containsEntry(".parainstructions", 16)
                .containsEntry("__jump_table", 16).containsEntry(".static_call_sites", 8)
                .containsEntry(".retpoline_sites", 4).containsEntry(".return_sites", 4).containsEntry(".smp_locks", 4)
                .containsEntry(".ibt_endbr_seal", 4).containsEntry("__mcount_loc", 8);
        assertThat(layout.lengthField(".altinstructions")).isEqualTo(10);
        assertThat(layout.lengthField(".parainstructions")).isEqualTo(9);
        assertThat(layout.bugEntryLineOffset()).isEqualTo(8);
    }
}
