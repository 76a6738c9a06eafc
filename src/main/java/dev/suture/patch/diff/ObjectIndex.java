package dev.suture.patch.diff;

import dev.suture.elf.Elf;
import dev.suture.elf.ElfFile;
import dev.suture.elf.Relocation;
import dev.suture.elf.RelocationSection;
import dev.suture.elf.Section;
import dev.suture.elf.Symbol;
import dev.suture.elf.X86_64Relocations;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One compiled unit ({@code -ffunction-sections -fdata-sections}) seen as entities — its functions and data
 * objects, each a byte range of a section with the relocations inside it — and what each relocation points
 * at, in terms that stay the same between two compilations of slightly different source: an entity by its
 * correlation key, the text of a string literal, or an external symbol by name.
 */
public final class ObjectIndex {
    private final ElfFile elf;
    private final List<Entity> entities = new ArrayList<>();
    private final Map<String, Entity> byKey = new LinkedHashMap<>();
    private final Map<Integer, List<Entity>> bySection = new HashMap<>();
    private final Map<Integer, Entity> bySymbol = new HashMap<>();
    private final Map<Integer, List<Relocation>> relocations = new HashMap<>();
    private final Map<Integer, long[]> pieceStarts = new HashMap<>();
    /** Relocations of code, whose PC-relative fields sit before the end of their instruction. */
    private final java.util.Set<Relocation> inCode = new java.util.HashSet<>();

    /** A function or data object of the unit. {@code key} correlates it across compilations. */
    public record Entity(String name, String key, int symbol, int section, long start, long size, boolean function,
                         boolean global, int occurrence) {
        /** The function a compiler-split part ({@code foo.cold}) belongs to, or its own name. */
        public String owner() {
            return Names.owner(name);
        }
    }

    /** What a relocation refers to. */
    public sealed interface Target {
        /** A symbol the unit does not define. */
        record External(String name, long addend) implements Target {
        }

        /** A place inside one of the unit's entities. */
        record InEntity(Entity entity, long offset) implements Target {
        }

        /** Bytes of a section no entity covers: string literals, constant pools, anonymous tables. */
        record Anonymous(int section, long offset) implements Target {
        }
    }

    public ObjectIndex(ElfFile elf) {
        this.elf = elf;
        record Raw(int index, Symbol symbol, String base, int occurrence) {
        }
        Map<String, Integer> occurrences = new HashMap<>();
        List<Raw> raw = new ArrayList<>();
        List<Symbol> symbols = elf.symbols().list();
        for (int i = 1; i < symbols.size(); i++) {
            Symbol s = symbols.get(i);
            boolean function = s.type() == Elf.STT_FUNC;
            if ((!function && s.type() != Elf.STT_OBJECT) || s.isUndefined() || s.sectionIndex() <= 0
                    || s.sectionIndex() >= elf.sectionCount() || s.name().isEmpty()) {
                continue;
            }
            String base = Names.correlated(s.name());
            raw.add(new Raw(i, s, base, occurrences.merge(base, 1, Integer::sum) - 1));
        }
        for (RelocationSection rela : elf.relocationSections()) {
            List<Relocation> list = rela.list();
            relocations.put(elf.indexOf(rela.target()), list);
            if (rela.target().hasFlags(Elf.SHF_EXECINSTR)) {
                inCode.addAll(list);
            }
        }
        // First by name and order; then what the compiler numbered (static locals, constants, __UNIQUE_ID_
        // objects) by what it is and who uses it, which a change elsewhere in the unit does not renumber.
        for (Raw r : raw) {
            String key = occurrences.get(r.base()) == 1 ? r.base() : r.base() + "#" + r.occurrence();
            add(new Entity(r.symbol().name(), key, r.index(), r.symbol().sectionIndex(), r.symbol().value(),
                    r.symbol().size(), r.symbol().type() == Elf.STT_FUNC, !r.symbol().isLocal(), r.occurrence()));
        }
        bySection.values().forEach(l -> l.sort(Comparator.comparingLong(Entity::start)));
        Map<Entity, String> keys = LocalKeys.of(this);
        if (!keys.isEmpty()) {
            List<Entity> keyed = new ArrayList<>(entities);
            entities.clear();
            byKey.clear();
            bySymbol.clear();
            bySection.clear();
            for (Entity e : keyed) {
                add(new Entity(e.name(), keys.getOrDefault(e, e.key()), e.symbol(), e.section(), e.start(), e.size(),
                        e.function(), e.global(), e.occurrence()));
            }
            bySection.values().forEach(l -> l.sort(Comparator.comparingLong(Entity::start)));
        }
    }

    private void add(Entity e) {
        entities.add(e);
        byKey.put(e.key(), e);
        bySymbol.put(e.symbol(), e);
        bySection.computeIfAbsent(e.section(), k -> new ArrayList<>()).add(e);
    }

    public ElfFile elf() {
        return elf;
    }

    public List<Entity> entities() {
        return entities;
    }

    public Optional<Entity> byKey(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    public Section section(int index) {
        return elf.section(index);
    }

    public String sectionName(Entity e) {
        return elf.section(e.section()).name();
    }

    /** The sections that have relocations. */
    java.util.Set<Integer> relocatedSections() {
        return relocations.keySet();
    }

    /** All relocations of a section (empty when it has none), in file order. */
    public List<Relocation> relocationsOf(int section) {
        return relocations.getOrDefault(section, List.of());
    }

    /** The relocations inside an entity, in offset order. */
    public List<Relocation> relocationsIn(Entity e) {
        return relocationsOf(e.section()).stream()
                .filter(r -> r.offset() >= e.start() && r.offset() < e.start() + e.size())
                .sorted(Comparator.comparingLong(Relocation::offset)).toList();
    }

    /** The entity's bytes (zeros for NOBITS data). */
    public byte[] bytes(Entity e) {
        Section s = elf.section(e.section());
        if (s.isNoBits()) {
            return new byte[(int) e.size()];
        }
        byte[] all = s.data();
        int from = (int) Math.min(e.start(), all.length);
        int to = (int) Math.min(e.start() + e.size(), all.length);
        return java.util.Arrays.copyOfRange(all, from, to);
    }

    /** What a relocation of section {@code section} points at. */
    public Target target(Relocation r) {
        Symbol s = elf.symbols().get(r.symbol());
        if (s.isUndefined()) {
            return new Target.External(s.name(), r.addend());
        }
        if (s.type() != Elf.STT_SECTION) {
            Optional<Entity> e = entityAtSymbol(r.symbol());
            if (e.isPresent()) {
                return new Target.InEntity(e.get(), r.addend());
            }
        }
        int section = s.sectionIndex();
        long offset = s.value() + r.addend();
        Entity within = entityAt(section, offset, bias(r));
        return within != null ? new Target.InEntity(within, offset - within.start()) : new Target.Anonymous(section, offset);
    }

    /** The text of the string literal a relocation points at (in a merged string section), if it points at one. */
    public Optional<String> string(Relocation r) {
        if (target(r) instanceof Target.Anonymous a) {
            Section s = elf.section(a.section());
            if (s.hasFlags(Elf.SHF_STRINGS) && !s.isNoBits()) {
                return Optional.of(cString(s.data(), (int) (a.offset() + bias(r))));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether an entity points at a string that names a C source or header ({@code __FILE__}): the numbers in
     * it may then be that file's lines (a dynamic-debug descriptor's {@code filename} and {@code lineno}).
     */
    public boolean namesSourceFile(Entity e) {
        return relocationsIn(e).stream().map(this::string)
                .anyMatch(t -> t.isPresent() && SOURCE_FILE.matcher(t.get()).matches());
    }

    private static final java.util.regex.Pattern SOURCE_FILE = java.util.regex.Pattern.compile("[\\w./+-]+\\.[ch]");

    /**
     * A stable description of a relocation's target for comparing two compilations: names and keys instead
     * of symbol and section indexes, string contents instead of offsets into a merged string section.
     */
    public String describe(Relocation r) {
        String type = X86_64Relocations.name(r.type());
        return type + " " + switch (target(r)) {
            case Target.External x -> x.name() + signed(x.addend());
            case Target.InEntity in -> in.entity().key() + signed(in.offset());
            case Target.Anonymous a -> anonymous(a, bias(r));
        };
    }

    private String anonymous(Target.Anonymous a, long bias) {
        Section s = elf.section(a.section());
        if (s.hasFlags(Elf.SHF_STRINGS) && !s.isNoBits()) {
            long at = a.offset() + bias;
            return "\"" + dev.suture.patch.CStrings.literal(cString(s.data(), (int) at)) + "\"" + signed(-bias);
        }
        if (s.hasFlags(Elf.SHF_MERGE) && s.entsize() > 0 && !s.isNoBits()) {
            long at = a.offset() + bias;
            byte[] data = s.data();
            int from = (int) Math.max(0, Math.min(at, data.length));
            int to = (int) Math.min(data.length, from + s.entsize());
            return "const:" + java.util.HexFormat.of().formatHex(data, from, to) + signed(-bias);
        }
        return Names.correlated(s.name()) + ":" + piece(a.section(), a.offset() + bias) + signed(-bias);
    }

    /**
     * An anonymous section is a concatenation of pieces (alternative replacements, constant tables), each
     * referenced from elsewhere; a piece is described by its bytes and its own references, up to the next
     * place anything refers to, so pieces keep their description when others before them grow or shrink.
     */
    private String piece(int section, long offset) {
        long[] starts = pieceStarts.computeIfAbsent(section, this::referencedOffsets);
        int i = java.util.Arrays.binarySearch(starts, offset);
        int next = i >= 0 ? i + 1 : -i - 1;
        Section s = elf.section(section);
        long end = next < starts.length ? starts[next] : s.size();
        if (s.isNoBits() || offset < 0 || offset > s.size()) {
            return "+" + offset;
        }
        byte[] data = s.data();
        StringBuilder d = new StringBuilder(java.util.HexFormat.of().formatHex(data, (int) offset, (int) Math.min(end, data.length)));
        for (Relocation r : relocationsOf(section)) {
            if (r.offset() >= offset && r.offset() < end) {
                d.append(" [+").append(r.offset() - offset).append(' ').append(describeNested(r)).append(']');
            }
        }
        return d.toString();
    }

    /** A reference from inside a piece, without descending into pieces again. */
    private String describeNested(Relocation r) {
        return switch (target(r)) {
            case Target.External x -> x.name() + signed(x.addend());
            case Target.InEntity in -> in.entity().key() + signed(in.offset());
            case Target.Anonymous a -> Names.correlated(elf.section(a.section()).name()) + signed(a.offset());
        };
    }

    private long[] referencedOffsets(int section) {
        java.util.TreeSet<Long> starts = new java.util.TreeSet<>();
        for (List<Relocation> list : relocations.values()) {
            for (Relocation r : list) {
                Symbol s = elf.symbols().get(r.symbol());
                if (!s.isUndefined() && s.sectionIndex() == section) {
                    starts.add(s.value() + r.addend() + bias(r));
                }
            }
        }
        return starts.stream().mapToLong(Long::longValue).toArray();
    }

    /** How far a PC-relative field's addend sits before the byte it means (the field is usually last). */
    long bias(Relocation r) {
        if (!inCode.contains(r)) {
            return 0;  // a data field (.long target - .) means exactly its target
        }
        return switch (r.type()) {
            case X86_64Relocations.R_X86_64_PC32, X86_64Relocations.R_X86_64_PLT32, X86_64Relocations.R_X86_64_GOTPCREL,
                 X86_64Relocations.R_X86_64_GOTPCRELX, X86_64Relocations.R_X86_64_REX_GOTPCRELX -> 4;
            default -> 0;
        };
    }

    private Optional<Entity> entityAtSymbol(int symbol) {
        return Optional.ofNullable(bySymbol.get(symbol));
    }

    /** The entity of a section that a reference at {@code offset} (with its bias) means, or null. */
    public Entity entityAt(int section, long offset, long bias) {
        List<Entity> in = bySection.getOrDefault(section, List.of());
        for (long probe : new long[] {offset + bias, offset}) {
            for (Entity e : in) {
                if (probe >= e.start() && probe < e.start() + Math.max(1, e.size())) {
                    return e;
                }
            }
        }
        // With -ffunction-sections and -fdata-sections a section usually holds one entity; an instruction whose
        // field is followed by an immediate puts the addend a few bytes further off.
        if (in.size() == 1 && offset + bias >= -8 && offset <= in.getFirst().start() + in.getFirst().size() + 8) {
            return in.getFirst();
        }
        return null;
    }

    /** The entities of a section, by start. */
    public List<Entity> entitiesIn(int section) {
        return bySection.getOrDefault(section, List.of());
    }

    static String cString(byte[] data, int at) {
        if (at < 0 || at >= data.length) {
            return "<" + at + ">";
        }
        int end = at;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, at, end - at, StandardCharsets.ISO_8859_1);
    }

    private static String signed(long v) {
        return v == 0 ? "" : v > 0 ? "+" + v : Long.toString(v);
    }
}
