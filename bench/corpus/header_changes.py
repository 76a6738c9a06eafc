#!/usr/bin/env python3
"""header_changes.py OLD_TREE NEW_TREE < HEADERS > header-changes.txt

For every header (a path in both trees, one a line on stdin) and every line its diff removes or adds, writes
"HEADER<TAB>STATEMENT": the changed line with the lines of the same C statement or declaration before it, from
the file the line is in. A declaration is often changed in a continuation line only (a parameter added after
'bool *own_req,'), and the name a compiler error quotes (‘tcp_v4_syn_recv_sock’) is on its first line; run.sh
looks for the error's identifiers in these texts to find the header change a delta needs.
"""
import re
import subprocess
import sys

HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
MAX_BACK = 12  # lines of one statement looked back at, at most


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read().split("\n")
    except OSError:
        return []


def continues(line):
    """Whether the line after this one continues its statement (a macro's next line, a declaration's next
    parameter), rather than starting a new one."""
    if line.rstrip().endswith("\\"):
        return True
    s = re.sub(r"/\*.*?\*/|//.*$", "", line).strip()
    return not (s == "" or s.startswith(("#", "*", "/*")) or s.endswith((";", "{", "}", "*/", ":")))


def statement(lines, i):
    """The changed line i (0-based) with the lines of its statement before it, as one line of text."""
    start = i
    while start > 0 and i - start < MAX_BACK and continues(lines[start - 1]):
        start -= 1
    return " ".join(l.strip() for l in lines[start:i + 1]).replace("\t", " ")


def main():
    old_tree, new_tree = sys.argv[1:3]
    out = sys.stdout
    for header in (l.strip() for l in sys.stdin):
        if not header:
            continue
        old_path, new_path = f"{old_tree}/{header}", f"{new_tree}/{header}"
        diff = subprocess.run(["diff", "-u", old_path, new_path], capture_output=True, text=True, errors="replace").stdout
        old_lines, new_lines = read(old_path), read(new_path)
        o = n = 0
        for line in diff.split("\n")[2:]:
            m = HUNK.match(line)
            if m:
                o, n = int(m.group(1)) - 1, int(m.group(2)) - 1
            elif line.startswith("-"):
                if line[1:].strip():
                    out.write(f"{header}\t{statement(old_lines, o)}\n")
                o += 1
            elif line.startswith("+"):
                if line[1:].strip():
                    out.write(f"{header}\t{statement(new_lines, n)}\n")
                n += 1
            elif line.startswith(" "):
                o += 1
                n += 1


if __name__ == "__main__":
    main()
