#!/usr/bin/env python3
"""The corpus's reports, from what run.sh records in each pair's directory (results.tsv and pair.txt).

report.py PAIR_DIR                   the README.md of one pair (to stdout)
report.py --index CORPUS_DIR README  rewrites, in README, the lines between the '<!-- pairs -->' and
                                     '<!-- /pairs -->' lines: one table row per pair directory of CORPUS_DIR
"""
import collections
import os
import re
import sys

GOAL = 85  # percent of the deltas that change code, applied
LEGACY = "needs-header"  # outcome of runs before whole-fix mode; such rows are run again


def read_lines(path):
    try:
        with open(path) as f:
            return [l.rstrip("\n") for l in f if l.strip()]
    except FileNotFoundError:
        return []


def read_rows(path):
    """The rows of a results.tsv, by the names of its first line. 'added' (the files whole-fix mode added) was
    'headers' before .c files were added too, and runs before whole-fix mode have neither."""
    lines = read_lines(path)
    if not lines:
        return []
    names = ["added" if n == "headers" else n for n in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        parts = line.split("\t")
        row = dict(file="-", outcome="-", seconds="-", functions="-", added="-", reason="-")
        row.update(zip(names, parts))
        rows.append(row)
    return rows


def read_pair(pair_dir):
    """pair.txt: 'KEY VALUE' lines (releases, Debian versions, tree counts)."""
    return dict(l.split(" ", 1) for l in read_lines(os.path.join(pair_dir, "pair.txt")) if " " in l)


def read_notes(pair_dir):
    """notes.tsv: 'FILE<TAB>NOTE' lines, a person's explanation of a delta that is not applied."""
    return dict(l.split("\t", 1) for l in read_lines(os.path.join(pair_dir, "notes.tsv")) if "\t" in l)


def upstream(debian_version):
    return re.sub(r"-[^-]*$", "", debian_version)


def goal(rows):
    """(applied, deltas that change code): every row but no-change."""
    code = [r for r in rows if r["outcome"] != "no-change"]
    return sum(r["outcome"] == "applied" for r in code), len(code)


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "–"


def pattern(reason):
    """A reason with what is specific to one file taken out, so that alike failures group together."""
    r = reason
    r = re.sub(r"refers to .*? from (\S+), which", r"refers to <symbols> from \1, which", r)
    r = re.sub(r"\b(struct|union|enum) \w+", r"\1 <name>", r)
    r = re.sub(r"\b(function|functions|variable|symbol) [\w.]+", r"\1 <name>", r)
    r = re.sub(r"/\S*/(work|cache|tmp)/\S*", "<path>", r)
    r = re.sub(r"'[^']*'", "'…'", r)
    r = re.sub(r"‘[^’]*’", "‘…’", r)
    r = re.sub(r"`[^`]*`", "`…`", r)
    r = re.sub(r"\b[\w./-]+\.(c|h|S|o|ko|diff)\b(:\d+)*(:\d+)?", "<file>", r)
    r = re.sub(r"\(\w+\)", "(…)", r)
    r = re.sub(r"\b0x[0-9a-f]+\b", "<hex>", r)
    r = re.sub(r"\b\d+(\.\d+)?\b", "N", r)
    r = re.sub(r"\b[a-z_][a-z0-9_]*(\.(isra|constprop|part|cold)(\.N)?)+\b", "<func>", r)
    return r[:220]


def esc(text):
    return text.replace("|", "\\|")


def short(functions, n=80):
    return (functions if len(functions) < n else functions[:n - 3] + "…").replace(",", ", ")


def added_cell(added):
    return "-" if added in ("", "-") else ", ".join(f"`{a}`" for a in added.split(","))


def pair_report(pair_dir):
    rows = read_rows(os.path.join(pair_dir, "results.tsv"))
    p = read_pair(pair_dir)
    old_rel, new_rel = p.get("old_release", "?"), p.get("new_release", "?")
    old_ver, new_ver = p.get("old_version", "?"), p.get("new_version", "?")
    total = int(p["c_builtin"]) if p.get("c_builtin", "").isdigit() else None
    run = len(rows)
    by = collections.Counter(r["outcome"] for r in rows)
    applied, code = goal(rows)

    out = []
    w = out.append
    w(f"# Corpus {upstream(old_ver)} → {upstream(new_ver)}: Debian's fixes, built for `{old_rel}`")
    w("")
    w(f"Every built-in `.c` file that Debian changed between **{old_ver}** (`{old_rel}`, the target kernel) and")
    w(f"**{new_ver}** (the source of `{new_rel}`), one delta per file, built for `{old_rel}` in whole-fix mode")
    w("(the change of a header that a delta's compile error names, or of a `.c` file that defines a symbol the")
    w("new code needs and the target lacks, is added to the delta) and applied, smoke-tested and")
    w(f"reverted in a test VM of `{old_rel}`. How and why: [the corpus README](../README.md). This page is")
    w(f"written by `bench/corpus/run.sh --pair {old_rel} {new_rel}` (or `--report`) from `results.tsv` here.")
    w("")
    if "files_differing" in p:
        w(f"Trees: {p.get('files_differing', '?')} files differ, {p.get('c_differing', '?')} of them `.c`, "
          f"**{p.get('c_builtin', '?')} built into vmlinux** (of {p.get('units', '?')} units) — the corpus; "
          f"{p.get('h_differing', '?')} headers differ (added to a delta only when it needs them; "
          f"{p.get('only_in', '?')} files exist in one tree only).")
        w("")
    if total is None:
        w(f"**Run: {run} deltas.**")
    else:
        w(f"**Run: {run} of {total} deltas**" + (" (the rest not run yet)." if run < total else " (all)."))
    w("")
    if not run:
        return "\n".join(out)

    w(f"**Applied {applied} of {code} ({pct(applied, code)}), the goal is {GOAL}%** — every delta run that changes"
      f" code, i.e. all but the {by.get('no-change', 0)} `no-change`"
      + (" (of the deltas run so far)." if total is not None and run < total else "."))
    with_added = [r for r in rows if r["added"] not in ("", "-")]
    if with_added:
        ok_a = sum(r["outcome"] == "applied" for r in with_added)
        w(f"{len(with_added)} of the deltas run were built with the changes of other files added (whole fix),"
          f" {ok_a} of them applied.")
    if by.get(LEGACY):
        w(f"{by[LEGACY]} rows are `{LEGACY}`, from a run before whole-fix mode (built without the header change"
          " their error names): they count as not applied, and the next run of the pair runs them again.")
    secs = [float(r["seconds"]) for r in rows if re.match(r"^[\d.]+$", r["seconds"])]
    if secs:
        w(f"Time per delta: median {sorted(secs)[len(secs) // 2]:.0f} s, total {sum(secs) / 60:.0f} min.")
    w("")
    w("| outcome | deltas | share of those run |")
    w("|---|---|---|")
    order = ["applied"] + sorted(k for k in by if k.startswith("refused:")) + \
        [k for k in ["no-change", "failed-build", "failed-apply", "failed-smoke", "crashed", "crash", LEGACY] if k in by]
    order += sorted(k for k in by if k not in order)
    for k in order:
        w(f"| `{k}`{' (legacy)' if k == LEGACY else ''} | {by[k]} | {100.0 * by[k] / run:.0f}% |")
    w(f"| total | {run} | |")
    w("")

    if with_added:
        w(f"### With other files' changes added ({len(with_added)})")
        w("")
        w("The files whose diff was added to the delta, in the order the build failures asked for them: a header")
        w("whose change adds or removes an identifier a compile error names, a `.c` file that defines in the newer")
        w("tree only a symbol the new code refers to and the target kernel does not have.")
        w("")
        w("| file | outcome | files added | reason |")
        w("|---|---|---|---|")
        for r in sorted(with_added, key=lambda r: r["file"]):
            w(f"| `{r['file']}` | `{r['outcome']}` | {added_cell(r['added'])} | {esc(r['reason'])} |")
        w("")

    fails = [r for r in rows if r["outcome"] not in ("applied", "no-change")]
    notes = read_notes(pair_dir)
    if fails:
        refused = [r for r in fails if r["outcome"].startswith("refused:")]
        other = [r for r in fails if not r["outcome"].startswith("refused:")]
        w("### The gap, case by case")
        w("")
        w(f"Of the {code} deltas that change code, {applied} applied; {len(refused)} were refused by a named rule"
          f" (its finding and remedy are the reason below) and {len(other)} ended otherwise. Each has the reason"
          " Suture gave and, where it needs one, a note from reading the delta (`notes.tsv` here).")
        w("")
        w("| file | outcome | why it is not applied |")
        w("|---|---|---|")
        for r in sorted(fails, key=lambda r: (not r["outcome"].startswith("refused:"), r["outcome"], r["file"])):
            note = notes.get(r["file"])
            if r["outcome"].startswith("refused:"):
                why = esc(r["reason"][:300]) + (f" — *note:* {esc(note)}" if note else "")
            else:
                why = esc(note) if note else "**not yet explained**: " + esc(r["reason"][:300])
            w(f"| `{r['file']}` | `{r['outcome']}` | {why} |")
        w("")

        w("### Failure reasons, most common first")
        w("")
        w("Grouped by outcome and by the reason with file names, identifiers and numbers taken out; every failing")
        w("delta is listed with its exact first error line.")
        w("")
        groups = collections.defaultdict(list)
        for r in fails:
            groups[(r["outcome"], pattern(r["reason"]))].append(r)
        for (outcome, pat), rs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            w(f"#### `{outcome}` × {len(rs)}: {esc(pat)}")
            w("")
            w("| file | functions | files added | reason |")
            w("|---|---|---|---|")
            for r in sorted(rs, key=lambda r: r["file"]):
                w(f"| `{r['file']}` | {short(r['functions'])} | {added_cell(r['added'])} | {esc(r['reason'])} |")
            w("")

    nochange = [r for r in rows if r["outcome"] == "no-change"]
    if nochange:
        w(f"### No code change ({len(nochange)})")
        w("")
        w(", ".join(f"`{r['file']}`" for r in sorted(nochange, key=lambda r: r["file"])))
        w("")

    ok = [r for r in rows if r["outcome"] == "applied"]
    if ok:
        w(f"### Applied ({len(ok)})")
        w("")
        w("| file | seconds | functions replaced or added | files added |")
        w("|---|---|---|---|")
        for r in sorted(ok, key=lambda r: r["file"]):
            w(f"| `{r['file']}` | {r['seconds']} | {r['functions'].replace(',', ', ')} | {added_cell(r['added'])} |")
        w("")
    return "\n".join(out)


def version_key(name):
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", name)]


def index_rows(corpus_dir):
    out = ["| pair | target | deltas run | applied (of those that change code) | report |",
           "|---|---|---|---|---|"]
    for name in sorted(os.listdir(corpus_dir), key=version_key):
        d = os.path.join(corpus_dir, name)
        if not (os.path.isfile(os.path.join(d, "pair.txt")) and os.path.isfile(os.path.join(d, "results.tsv"))):
            continue
        p = read_pair(d)
        rows = read_rows(os.path.join(d, "results.tsv"))
        applied, code = goal(rows)
        total = p.get("c_builtin", "?")
        legacy = sum(r["outcome"] == LEGACY for r in rows)
        note = f"; {legacy} legacy `{LEGACY}`" if legacy else ""
        out.append(f"| {upstream(p.get('old_version', '?'))} → {upstream(p.get('new_version', '?'))} "
                   f"| `{p.get('old_release', '?')}` | {len(rows)} of {total}{note} "
                   f"| {applied} of {code} ({pct(applied, code)}) | [{name}/README.md]({name}/README.md) |")
    return out


def rewrite_index(corpus_dir, readme):
    with open(readme) as f:
        lines = f.read().split("\n")
    try:
        start = next(i for i, l in enumerate(lines) if l.strip().startswith("<!-- pairs"))
        end = next(i for i, l in enumerate(lines) if i > start and l.strip() == "<!-- /pairs -->")
    except StopIteration:
        sys.exit(f"{readme}: no '<!-- pairs -->' ... '<!-- /pairs -->' lines to write the table of pairs between")
    lines[start + 1:end] = index_rows(corpus_dir)
    with open(readme + ".tmp", "w") as f:
        f.write("\n".join(lines))
    os.replace(readme + ".tmp", readme)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--index":
        rewrite_index(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 2 and not sys.argv[1].startswith("-"):
        print(pair_report(sys.argv[1]))
    else:
        sys.exit(__doc__)
