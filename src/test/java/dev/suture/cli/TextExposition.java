package dev.suture.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus's text exposition format (0.0.4), as node_exporter's textfile collector takes it:
 * every line HELP, TYPE or a sample; a family's HELP and TYPE once each and before its samples; a family's samples
 * together and never again later; metric and label names as the format allows them; label values with only the
 * three escapes it defines; a number as the value; no timestamp (the collector refuses files that have them); no
 * sample twice; a line break at the end. Anything else throws, naming the line.
 */
final class TextExposition {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(Map<String, String> labels, double value) {
    }

    record Family(String name, String help, String type, List<Sample> samples) {
    }

    private TextExposition() {
    }

    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the text does not end with a line break");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        String current = null;
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String at = "line " + (i + 1) + " (" + line + "): ";
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ", 2);
                String name = parts[0];
                require(METRIC.matcher(name).matches(), at + "not a metric name");
                require(parts.length == 2, at + "nothing after the name");
                if (!name.equals(current)) {
                    require(seen.add(name), at + "the family " + name + " again, after another");
                    families.put(name, new Family(name, null, null, new ArrayList<>()));
                    current = name;
                }
                Family f = families.get(name);
                require(f.samples().isEmpty(), at + "metadata after the family's samples");
                if (line.startsWith("# HELP ")) {
                    require(f.help() == null, at + "a second HELP");
                    f = new Family(name, unescapeHelp(parts[1], at), f.type(), f.samples());
                } else {
                    require(f.type() == null, at + "a second TYPE");
                    require(TYPES.contains(parts[1]), at + "no such type");
                    f = new Family(name, f.help(), parts[1], f.samples());
                }
                families.put(name, f);
                continue;
            }
            require(!line.startsWith("#") && !line.isBlank(), at + "neither metadata nor a sample");
            Matcher m = METRIC.matcher(line);
            require(m.lookingAt(), at + "no metric name");
            String name = m.group();
            require(name.equals(current), at + "a sample of " + name + " outside its family's block (HELP and TYPE first)");
            int pos = m.end();
            Map<String, String> labels = new LinkedHashMap<>();
            if (pos < line.length() && line.charAt(pos) == '{') {
                pos = labels(line, pos + 1, labels, at);
            }
            require(pos < line.length() && line.charAt(pos) == ' ', at + "no space before the value");
            String rest = line.substring(pos + 1);
            require(!rest.contains(" "), at + "a timestamp, or more than one value");
            double value = switch (rest) {
                case "NaN" -> Double.NaN;
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> {
                    require(rest.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?"), at + "not a number");
                    yield Double.parseDouble(rest);
                }
            };
            Family f = families.get(name);
            require(f.samples().stream().noneMatch(s -> s.labels().equals(labels)), at + "the same sample twice");
            f.samples().add(new Sample(labels, value));
        }
        families.values().forEach(f -> require(f.type() != null && f.help() != null, f.name() + " lacks HELP or TYPE"));
        return families;
    }

    /** The labels from just after the brace; returns the position after the closing brace. */
    private static int labels(String line, int pos, Map<String, String> labels, String at) {
        while (true) {
            Matcher m = LABEL.matcher(line).region(pos, line.length());
            require(m.lookingAt(), at + "not a label name at column " + (pos + 1));
            String label = m.group();
            require(!label.startsWith("__"), at + "a reserved label name");
            pos = m.end();
            require(line.startsWith("=\"", pos), at + "no =\" after " + label);
            pos += 2;
            StringBuilder value = new StringBuilder();
            while (true) {
                require(pos < line.length(), at + "an unterminated label value");
                char c = line.charAt(pos++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    require(pos < line.length(), at + "a backslash at the end");
                    char e = line.charAt(pos++);
                    value.append(switch (e) {
                        case '\\' -> '\\';
                        case '"' -> '"';
                        case 'n' -> '\n';
                        default -> throw new IllegalArgumentException(at + "no such escape: \\" + e);
                    });
                } else {
                    value.append(c);
                }
            }
            require(labels.put(label, value.toString()) == null, at + "the label " + label + " twice");
            require(pos < line.length(), at + "an unterminated label set");
            char next = line.charAt(pos++);
            if (next == '}') {
                return pos;
            }
            require(next == ',', at + "no comma between labels");
        }
    }

    private static String unescapeHelp(String help, String at) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') {
                require(i + 1 < help.length(), at + "a backslash at the end");
                char e = help.charAt(++i);
                require(e == '\\' || e == 'n', at + "no such escape in HELP: \\" + e);
                out.append(e == 'n' ? '\n' : '\\');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }
}
