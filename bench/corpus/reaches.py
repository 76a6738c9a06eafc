#!/usr/bin/env python3
"""reaches.py INDEX TREE HEADER FILE... : exit 0 when HEADER is included, directly or through other headers, by
one of the .c FILEs (paths in the tree) as the newer TREE has them; else 1.

INDEX is the target kernel's include index (include-index.json: every file's resolved includes). The FILEs'
own includes are read from TREE (a fix may add an #include), resolved as kbuild's search order does (quoted
names beside the file first, then the arch and generic include directories); what they include is followed in
the index. Whole-fix mode adds a header only when the failing fix can see it: a compile error's identifier
also appears in changes of headers that nothing of the fix includes (drivers/s390/net/qeth_core.h).
"""
import json
import os
import re
import sys

SEARCH = ["arch/x86/include", "include", "arch/x86/include/uapi", "include/uapi"]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def own_includes(tree, path):
    try:
        with open(os.path.join(tree, path), errors="replace") as f:
            text = f.read()
    except OSError:
        return []
    out = []
    here = os.path.dirname(path)
    for kind, name in INCLUDE.findall(text):
        tries = ([os.path.normpath(os.path.join(here, name))] if kind == '"' else []) + [d + "/" + name for d in SEARCH]
        for t in tries:
            if os.path.isfile(os.path.join(tree, t)):
                out.append(t)
                break
    return out


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    index, tree, header, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with open(index) as f:
        includes = json.load(f)["includes"]
    seen = set()
    todo = [i for p in files for i in own_includes(tree, p)]
    while todo:
        h = todo.pop()
        if h in seen:
            continue
        if h == header:
            return 0
        seen.add(h)
        todo.extend(includes.get(h, own_includes(tree, h)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
