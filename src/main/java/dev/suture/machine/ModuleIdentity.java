package dev.suture.machine;

import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.ElfNotes;
import dev.suture.elf.Section;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which build of a patch module a file is: the GNU build id its linker wrote into {@code .note.gnu.build-id},
 * a hash of the linked module, so two fixes of one name with different code differ. The kernel shows the same
 * note for a loaded module (see {@link LoadedModule}). Suture's modules carry no srcversion, the other identity
 * the kernel exposes: they declare no MODULE_VERSION and Debian kernels do not set CONFIG_MODULE_SRCVERSION_ALL.
 */
record ModuleIdentity(String buildId) {
    /** The identity of a built module file; empty for a module linked without a build id. */
    static Optional<ModuleIdentity> of(Path ko) throws IOException {
        return ElfNotes.gnuBuildId(ko).map(ModuleIdentity::new);
    }

    /** The identity of a module's bytes, e.g. one kept in a machine's edition store. */
    static Optional<ModuleIdentity> of(byte[] ko, String origin) throws IOException {
        List<ElfNotes.Note> notes = new ArrayList<>();
        for (Section s : ElfFile.read(ko).sections()) {
            if (s.type() == Elf.SHT_NOTE) {
                notes.addAll(ElfNotes.parse(s.data(), origin));
            }
        }
        return fromNotes(notes);
    }

    static Optional<ModuleIdentity> fromNotes(List<ElfNotes.Note> notes) {
        return notes.stream().filter(n -> n.type() == ElfNotes.NT_GNU_BUILD_ID && n.name().equals("GNU"))
                .map(n -> new ModuleIdentity(n.descriptorHex())).findFirst();
    }

    /** Enough of the id for people to tell two builds apart. */
    String brief() {
        return buildId.substring(0, Math.min(12, buildId.length()));
    }
}
