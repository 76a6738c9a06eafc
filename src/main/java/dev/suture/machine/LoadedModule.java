package dev.suture.machine;

import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;
import dev.suture.elf.ElfNotes;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** What the kernel runs under a module name, as {@code /sys/module/NAME} shows it. */
sealed interface LoadedModule {
    /** No module of that name is loaded. */
    record Absent() implements LoadedModule {
    }

    /** Loaded, but this kernel shows no notes of modules (built without CONFIG_KALLSYMS): it cannot be told. */
    record Unverifiable() implements LoadedModule {
    }

    /** Loaded, with the build id it carries (empty when it has none). */
    record Running(Optional<ModuleIdentity> identity) implements LoadedModule {
    }

    /** True only when it is certainly the build {@code ours} (or when the kernel gives no means to tell). */
    default boolean is(Optional<ModuleIdentity> ours) {
        return switch (this) {
            case Absent a -> false;
            case Unverifiable u -> true;
            case Running r -> ours.isEmpty() || r.identity().equals(ours);
        };
    }

    /** For messages: "build 1a2b3c4d5e6f", "a build without an id", ... */
    default String describe() {
        return switch (this) {
            case Absent a -> "nothing";
            case Unverifiable u -> "a module this kernel does not identify";
            case Running r -> r.identity().map(i -> "build " + i.brief()).orElse("a build without a build id");
        };
    }

    /** Reads it in one command; the binary note travels as hex so no channel has to carry raw bytes. */
    static LoadedModule read(Channel channel, String name) throws IOException {
        String dir = "/sys/module/" + ShellQuote.quote(name);
        String script = """
                d=%s
                if [ ! -d "$d" ]; then echo absent
                elif [ ! -d "$d/notes" ]; then echo unverifiable
                elif [ -f "$d/notes/.note.gnu.build-id" ]; then echo notes; od -A n -t x1 -v "$d/notes/.note.gnu.build-id"
                else echo none
                fi
                """.formatted(dir);
        Channel.CommandResult r = channel.run(script);
        List<String> lines = r.output().lines().toList();
        if (!r.ok() || lines.isEmpty()) {
            throw new IOException("cannot read /sys/module/" + name + " on " + channel.describe() + ": " + r.output().strip());
        }
        return switch (lines.getFirst().strip()) {
            case "absent" -> new Absent();
            case "unverifiable" -> new Unverifiable();
            case "none" -> new Running(Optional.empty());
            default -> {
                String hex = String.join("", lines.subList(1, lines.size())).replaceAll("\\s", "");
                yield new Running(ModuleIdentity.fromNotes(ElfNotes.parse(HexFormat.of().parseHex(hex),
                        channel.describe() + ":/sys/module/" + name + "/notes")));
            }
        };
    }
}
