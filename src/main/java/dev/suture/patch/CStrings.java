package dev.suture.patch;

/** Text as the body of a C string literal: what generated glue embeds and what reports show of a patch's strings. */
public final class CStrings {
    private CStrings() {
    }

    /** Escapes quotes, backslashes and newlines, and writes other bytes outside printable ASCII in octal. */
    public static String literal(String s) {
        StringBuilder out = new StringBuilder();
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20 || ch > 0x7e) {
                        out.append(String.format("\\%03o", (int) ch & 0xff));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.toString();
    }
}
