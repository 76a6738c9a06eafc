package dev.suture.patch.source;

/** Just enough C lexing to read annotations: comments and literals blanked, positions kept. */
final class CSource {
    private CSource() {
    }

    /** The text with comments, string and character literals replaced by spaces (newlines kept). */
    static String blankCommentsAndStrings(String src) {
        StringBuilder out = new StringBuilder(src);
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    out.setCharAt(i++, ' ');
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(out, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c && src.charAt(j) != '\n') {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(n, j + 1);
                blank(out, i + 1, end - 1);
                i = end;
            } else {
                i++;
            }
        }
        return out.toString();
    }

    /** Whether the offset is on a preprocessor line (e.g. the #define of the macro itself). */
    static boolean isInsideDirective(String code, int offset) {
        int lineStart = code.lastIndexOf('\n', offset - 1) + 1;
        return code.substring(lineStart, offset).strip().startsWith("#");
    }

    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static void blank(StringBuilder out, int from, int to) {
        for (int k = from; k < to; k++) {
            if (out.charAt(k) != '\n') {
                out.setCharAt(k, ' ');
            }
        }
    }
}
