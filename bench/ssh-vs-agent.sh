#!/usr/bin/env bash
# Apply and revert of one patch over SSH against over the VM agent, on the same test VM: wall time of each
# command (JVM start, connect, preflight, load, transition, unload). Needs ssh-keygen (openssh-client).
# Usage: bench/ssh-vs-agent.sh [RUNS]   (default 3)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
suture="$repo/bin/suture"
work="$(mktemp -d "${TMPDIR:-/tmp}/ssh-vs-agent.XXXXXX")"
vm="bench-ssh-$$"
trap '"$suture" vm stop --name "$vm" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
ssh-keygen -q -t ed25519 -N '' -f "$work/id" -C bench
"$suture" build "$repo/examples/cmdline/cmdline.c" -o "$work/cmdline.ko" >/dev/null 2>&1
"$suture" vm start --name "$vm" --ssh --ssh-key "$work/id.pub" > "$work/start.txt" 2>&1
read -r target known < <(sed -n 's/^its SSH server: --target \([^ ]*\) --known-hosts \([^ ]*\).*/\1 \2/p' "$work/start.txt")
[ -n "$target" ] || { cat "$work/start.txt" >&2; exit 1; }
ssh_opts=(--target "$target" --known-hosts "$known" --identity "$work/id")
seconds() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e9 }'; }
# A failed command stops the benchmark with its output: a fast failure is no figure.
timed() {
  local start=$(date +%s%N)
  "$@" >"$work/out.txt" 2>&1 || { echo "failed: $*" >&2; cat "$work/out.txt" >&2; exit 1; }
  seconds $(( $(date +%s%N) - start ))
}
for run in $(seq "$runs"); do
  a_apply=$(timed "$suture" apply --target "vm:$vm" "$work/cmdline.ko")
  a_revert=$(timed "$suture" revert --target "vm:$vm" suture_cmdline)
  s_apply=$(timed "$suture" apply "${ssh_opts[@]}" "$work/cmdline.ko")
  s_revert=$(timed "$suture" revert "${ssh_opts[@]}" suture_cmdline)
  printf 'run %d: agent apply %s s, revert %s s; ssh apply %s s, revert %s s\n' "$run" "$a_apply" "$a_revert" "$s_apply" "$s_revert"
done
