package dev.suture.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * binutils' readelf, run on a file and parsed: its sections, symbols and relocations as it sees them, and the
 * proof that it found nothing to complain about.
 */
final class Readelf {
    record SectionRow(int index, String name, String type, long offset, long size, long entsize, String flags,
            int link, int info, long align) {
    }

    record SymbolRow(int index, long value, long size, String type, String bind, String visibility, String ndx,
            String name) {
    }

    /** One relocation as readelf prints it; {@code symbol} is the name shown (a section's name for its symbol). */
    record RelocationRow(String section, long offset, String type, String symbol, String addend) {
    }

    private static final Pattern SECTION = Pattern.compile(
            "^\\s*\\[\\s*(\\d+)]\\s(.*?)\\s+([0-9a-f]{16})\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s+([0-9a-f]+)\\s(.*?)\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern SYMBOL = Pattern.compile(
            "^\\s*(\\d+):\\s+([0-9a-f]{16})\\s+(0x[0-9a-f]+|\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(UND|ABS|COM|\\d+|OS \\[0x[0-9a-f]+]|PRC\\[0x[0-9a-f]+]|RSV\\[0x[0-9a-f]+])(?: (.*))?$");
    private static final Pattern RELOCATION_HEADER = Pattern.compile("^Relocation section '(.*)' at offset");
    private static final Pattern RELOCATION = Pattern.compile(
            "^([0-9a-f]{16})\\s+([0-9a-f]{16})\\s+(\\S+)\\s*(?:([0-9a-f]{16})\\s+(.*?)\\s+([+-]\\s+[0-9a-f]+))?\\s*(\\S*)$");

    final List<SectionRow> sections = new ArrayList<>();
    final List<SymbolRow> symbols = new ArrayList<>();
    final List<RelocationRow> relocations = new ArrayList<>();
    final String output;

    private Readelf(String output) {
        this.output = output;
    }

    /** Runs {@code readelf -W -S -s -r} and asserts it printed no warning or error. */
    static Readelf of(Path file) {
        return of(file, "-S", "-s", "-r");
    }

    /** Runs {@code readelf -W} with the given listing options and asserts it printed no warning or error. */
    static Readelf of(Path file, String... options) {
        List<String> command = new ArrayList<>(List.of("readelf", "-W"));
        command.addAll(List.of(options));
        command.add(file.toString());
        Tools.Result result = Tools.run(file.getParent(), command.toArray(String[]::new)).ok();
        // readelf reports every inconsistency it notices as "readelf: Warning: ..." or "Error" on stderr.
        assertThat(result.err()).as("readelf stderr").isEmpty();
        assertThat(result.out()).as("readelf output").doesNotContain("<corrupt>").doesNotContain("<no-strings>");
        Readelf readelf = new Readelf(result.out());
        readelf.parse();
        return readelf;
    }

    private void parse() {
        String relocationSection = null;
        boolean inSymbols = false;
        for (String line : output.split("\n")) {
            Matcher m;
            if (line.startsWith("Symbol table '")) {
                inSymbols = true;
                relocationSection = null;
                continue;
            }
            if ((m = RELOCATION_HEADER.matcher(line)).find()) {
                relocationSection = m.group(1);
                inSymbols = false;
                continue;
            }
            if (line.startsWith("  [") && (m = SECTION.matcher(line)).matches()) {
                int index = Integer.parseInt(m.group(1));
                String head = m.group(2).strip();
                String name = index == 0 ? "" : head.split(" ", 2)[0];
                String type = index == 0 ? head : head.substring(name.length()).strip();
                sections.add(new SectionRow(index, name, type, Long.parseLong(m.group(4), 16),
                        Long.parseLong(m.group(5), 16), Long.parseLong(m.group(6), 16), m.group(7).strip(),
                        Integer.parseInt(m.group(8)), Integer.parseInt(m.group(9)), Long.parseLong(m.group(10))));
                continue;
            }
            if (inSymbols && (m = SYMBOL.matcher(line)).matches()) {
                String size = m.group(3);
                symbols.add(new SymbolRow(Integer.parseInt(m.group(1)), Long.parseUnsignedLong(m.group(2), 16),
                        size.startsWith("0x") ? Long.parseLong(size.substring(2), 16) : Long.parseLong(size),
                        m.group(4), m.group(5), m.group(6), m.group(7), m.group(8) == null ? "" : m.group(8)));
                continue;
            }
            if (relocationSection != null && (m = RELOCATION.matcher(line)).matches()) {
                String symbol = m.group(5) == null ? "" : m.group(5);
                String addend = m.group(6) == null ? m.group(7) : m.group(6).replaceAll("\\s+", "");
                relocations.add(new RelocationRow(relocationSection, Long.parseUnsignedLong(m.group(1), 16),
                        m.group(3), symbol, addend));
            }
        }
    }

    Optional<SectionRow> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    Optional<SymbolRow> symbol(String name) {
        return symbols.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    List<RelocationRow> relocations(String section) {
        return relocations.stream().filter(r -> r.section().equals(section)).toList();
    }

    /** How many symbols are local, by readelf's own listing. */
    long localSymbols() {
        return symbols.stream().filter(s -> s.bind().equals("LOCAL")).count();
    }
}
