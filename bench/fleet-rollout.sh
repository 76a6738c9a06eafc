#!/usr/bin/env bash
# A fleet rollout with Ansible over test VMs with SSH servers: wall time to roll one patch out to 1, 2 and 3 VMs in
# one wave with forks 1 and 3 (what Ansible's parallelism buys), and the per-machine overhead Suture adds over the
# transition itself (one apply's wall time against the transition time its --result records).
# Needs ansible-core and ssh-keygen (bin/setup installs both). Usage: bench/fleet-rollout.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suture="$repo/bin/suture"
work="$(mktemp -d "${TMPDIR:-/tmp}/fleet-rollout.XXXXXX")"
vms=(bench-fleet-1-$$ bench-fleet-2-$$ bench-fleet-3-$$)
trap 'for v in "${vms[@]}"; do "$suture" vm stop --name "$v" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
export ANSIBLE_COLLECTIONS_PATH="$repo/ansible" ANSIBLE_NOCOLOR=1
ssh-keygen -q -t ed25519 -N '' -f "$work/id" -C bench
"$suture" build "$repo/examples/cmdline/cmdline.c" -o "$work/suture_cmdline.ko" >/dev/null 2>&1
: > "$work/known_hosts"
targets=()
for v in "${vms[@]}"; do
  "$suture" vm start --name "$v" --ssh --ssh-key "$work/id.pub" > "$work/start.txt" 2>&1
  read -r target known < <(sed -n 's/^its SSH server: --target \([^ ]*\) --known-hosts \([^ ]*\).*/\1 \2/p' "$work/start.txt")
  [ -n "$target" ] || { cat "$work/start.txt" >&2; exit 1; }
  cat "$known" >> "$work/known_hosts"
  targets+=("$target")
done
seconds() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e9 }'; }
inventory() {  # the first $1 machines
  local i=0
  echo "[fleet]"
  for t in "${targets[@]:0:$1}"; do
    i=$((i + 1))
    port="${t##*:}"
    echo "vm$i ansible_host=127.0.0.1 ansible_port=$port ansible_user=root"
  done
  printf '[all:vars]\nansible_ssh_private_key_file=%s\nsuture_known_hosts=%s\n' "$work/id" "$work/known_hosts"
}
rollout() {  # machines forks action
  inventory "$1" > "$work/inventory.ini"
  local start=$(date +%s%N)
  ansible-playbook -i "$work/inventory.ini" suture.livepatch.rollout -f "$2" -e '{"suture_waves": ["100%"]}' \
      -e suture_soak_seconds=0 -e suture_action="$3" -e suture_patch="$work/suture_cmdline.ko" \
      -e suture_command="$suture" -e suture_results_dir="$work/results" >"$work/ansible.txt" 2>&1 \
    || { echo "rollout failed:" >&2; cat "$work/ansible.txt" >&2; exit 1; }
  seconds $(( $(date +%s%N) - start ))
}
echo "machines forks rollout(s) revert(s)"
for n in 1 2 3; do
  for forks in 1 3; do
    [ "$n" -eq 1 ] && [ "$forks" -eq 3 ] && continue
    up=$(rollout "$n" "$forks" apply)
    down=$(rollout "$n" "$forks" revert)
    echo "$n $forks $up $down"
  done
done
# One machine, without Ansible: what Suture adds over the transition (JVM start, SSH, preflight, copy, load, unload).
for run in 1 2 3; do
  start=$(date +%s%N)
  "$suture" apply --target "${targets[0]}" --known-hosts "$work/known_hosts" --identity "$work/id" \
      --result "$work/one.json" "$work/suture_cmdline.ko" >/dev/null 2>&1
  wall=$(( $(date +%s%N) - start ))
  transition=$(sed -n 's/.*"transitionSeconds" *: *\([0-9.]*\).*/\1/p' "$work/one.json")
  "$suture" revert --target "${targets[0]}" --known-hosts "$work/known_hosts" --identity "$work/id" suture_cmdline >/dev/null 2>&1
  echo "single apply: wall $(seconds "$wall") s, transition ${transition} s"
done
