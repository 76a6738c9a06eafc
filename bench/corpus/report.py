#!/usr/bin/env python3
"""Writes bench/corpus/README.md (to stdout) from results.tsv, the delta list and the tree counts run.sh made."""
import collections
import re
import sys

results_path, deltas_path, counts_path = sys.argv[1:4]


def read_lines(path):
    try:
        with open(path) as f:
            return [l.rstrip("\n") for l in f if l.strip()]
    except FileNotFoundError:
        return []


rows = []
for line in read_lines(results_path)[1:]:
    parts = line.split("\t")
    parts += ["-"] * (5 - len(parts))
    rows.append(dict(file=parts[0], outcome=parts[1], seconds=parts[2], functions=parts[3], reason=parts[4]))
deltas = read_lines(deltas_path)
counts = dict(l.split(" ", 1) for l in read_lines(counts_path))
total = len(deltas)
run = len(rows)


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
    r = re.sub(r"\b0x[0-9a-f]+\b", "<hex>", r)
    r = re.sub(r"\b\d+(\.\d+)?\b", "N", r)
    r = re.sub(r"\b[a-z_][a-z0-9_]*(\.(isra|constprop|part|cold)(\.N)?)+\b", "<func>", r)
    return r[:220]


def esc(text):
    return text.replace("|", "\\|")


out = []
w = out.append
w("# Real-world corpus: Debian's own fixes between two kernel versions")
w("")
w("The corpus is every change Debian shipped between two consecutive bookworm cloud kernels, cut into one diff")
w("per source file: `linux-source-6.1` of **6.1.187-1** (the target, `6.1.0-53-cloud-amd64`) against")
w("**6.1.190-1** (the source of `6.1.0-54-cloud-amd64`). Only `.c` files that differ (`diff -rq` of the two")
w("pristine trees) and that are units built into the target's `vmlinux` (the `units` of Suture's include index")
w("of 6.1.0-53, i.e. the DWARF units of its `-dbg` vmlinux) are in it: module code and headers are not. So")
w("every delta touches exactly one `.c` file and no header. A delta is half of an upstream commit when that")
w("commit also changed a header; such a delta may not compile alone. It is `needs-header` when its compiler")
w("error names an identifier that a changed header adds or removes (the header is named), and is then left")
w("out of the goal's count: the issue's goal is about deltas that touch no header.")
w("")
w("For each delta, `bench/corpus/run.sh`:")
w("")
w("1. runs `bin/suture build --kernel 6.1.0-53-cloud-amd64 --json DELTA.diff -o DELTA.ko`: exit 0 is built,")
w("   a JSON `refusals` list is `refused:RULE`, anything else is `failed-build` (first error line of stderr);")
w("2. for a built module, in one long-lived test VM of 6.1.0-53 (`vm:corpus`, restarted after any failure):")
w("   `suture apply`, a smoke test with the patch applied (`/proc`, `ps`, `mount`, file I/O on tmpfs, fork and")
w("   exec, `sleep`), `suture revert NAME`, then a health check (the VM answers; no new `BUG`, `Oops`,")
w("   `WARNING` or `general protection` in `dmesg`).")
w("")
w("Outcomes: `applied` (built, applied, smoke test passed, reverted, healthy), `refused:RULE` (a safety rule")
w("refused it, with file and line), `no-change` (Suture found that the delta changes no function's code: a")
w("comment, a `WRITE_ONCE` that compiles to the same store, code under a disabled `#ifdef`; nothing to patch,")
w("so not a failure), `needs-header` (see above), `failed-build`, `failed-apply` (apply or revert failed, VM healthy),")
w("`failed-smoke`, `crashed` (the guest kernel reported a problem or stopped answering), `crash` (a Java stack")
w("trace from Suture itself).")
w("")
w("## Run it")
w("")
w("```sh")
w("bench/corpus/run.sh [--limit N]    # fetches both kernels and sources if needed; resumable: skips deltas")
w("                                   # already in results.tsv; --limit N does only N more")
w("bench/corpus/run.sh --report       # rewrite this README from results.tsv")
w("```")
w("")
w("Deltas run in a fixed pseudo-random order (sorted by the MD5 of their path), so a partial run is a fair")
w("sample of the whole corpus rather than its alphabetical beginning. To stop a long run cleanly after the")
w("delta in progress: `touch bench/corpus/work/STOP`.")
w("")
w("Raw results: `results.tsv` (file, outcome, seconds for the whole delta, functions changed or new according")
w("to the build's decisions, reason). Work files (the deltas, modules, logs of every step) go to")
w("`bench/corpus/work/`; delete `results.tsv` to start over. About 10–60 s per delta on the 2-core machine")
w("(TCG VM). The VM is named `corpus` and only it is started or stopped.")
w("")
w("## Latest results")
w("")
if counts:
    w(f"Trees: {counts.get('files_differing', '?')} files differ, {counts.get('c_differing', '?')} of them `.c`, "
      f"**{counts.get('c_builtin', '?')} built into vmlinux** (of {counts.get('units', '?')} units) — the corpus; "
      f"{counts.get('h_differing', '?')} headers differ (not part of the corpus; "
      f"{counts.get('only_in', '?')} files exist in one tree only).")
    w("")
w(f"**Run: {run} of {total} deltas**" + (" (the rest not run yet)." if run < total else " (all)."))
w("")
by = collections.Counter(r["outcome"] for r in rows)
applied = by.get("applied", 0)
w("| outcome | deltas | share of those run |")
w("|---|---|---|")
order = ["applied"] + sorted(k for k in by if k.startswith("refused:")) + \
        [k for k in ["no-change", "needs-header", "failed-build", "failed-apply", "failed-smoke", "crashed", "crash"] if k in by]
order += sorted(k for k in by if k not in order)
for k in order:
    w(f"| `{k}` | {by[k]} | {100.0 * by[k] / run:.0f}% |")
w(f"| total | {run} | |")
w("")
if run:
    w(f"**Applied: {applied} of {run} run ({100.0 * applied / run:.1f}%).**")
    nh = by.get("needs-header", 0)
    if nh and run > nh:
        w(f"Of the {run - nh} that need no header change (without `needs-header`): "
          f"**{100.0 * applied / (run - nh):.1f}% applied** (the goal is 85%).")
    nc = by.get("no-change", 0)
    if nc and run > nc + nh:
        w(f"Of the {run - nc - nh} that need no header change and change code (without `no-change` too): "
          f"{100.0 * applied / (run - nc - nh):.1f}% applied.")
    secs = [float(r["seconds"]) for r in rows if re.match(r"^[\d.]+$", r["seconds"])]
    if secs:
        w(f"Time per delta: median {sorted(secs)[len(secs) // 2]:.0f} s, total {sum(secs) / 60:.0f} min.")
    w("")

fails = [r for r in rows if r["outcome"] not in ("applied", "no-change")]
if fails:
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
        w("| file | functions | reason |")
        w("|---|---|---|")
        for r in sorted(rs, key=lambda r: r["file"]):
            fn = r["functions"] if len(r["functions"]) < 80 else r["functions"][:77] + "…"
            w(f"| `{r['file']}` | {fn.replace(',', ', ')} | {esc(r['reason'])} |")
        w("")

nochange = [r for r in rows if r["outcome"] == "no-change"]
if nochange:
    w(f"### No code change ({len(nochange)})")
    w("")
    w(", ".join(f"`{r['file']}`" for r in sorted(nochange, key=lambda r: r["file"])))
    w("")

ok = [r for r in rows if r["outcome"] == "applied"]
if ok:
    w("### Applied")
    w("")
    w("| file | seconds | functions replaced or added |")
    w("|---|---|---|")
    for r in sorted(ok, key=lambda r: r["file"]):
        w(f"| `{r['file']}` | {r['seconds']} | {r['functions'].replace(',', ', ')} |")
    w("")
print("\n".join(out))
