#!/bin/sh
# /proc/pressure/cpu has a "some" and a "full" line; patched, only "some" (full CPU
# pressure is undefined system-wide). A child cgroup's cpu.pressure keeps both lines.
state="$1"
[ -r /proc/pressure/cpu ] || { echo "no /proc/pressure/cpu"; exit 1; }
sys=$(cut -d' ' -f1 /proc/pressure/cpu | tr '\n' ' ')
cg=skipped
d=/tmp/case34.cgroup
mkdir -p $d
if grep -q " $d " /proc/mounts || mount -t cgroup2 cgroup2 $d 2>/dev/null; then
	mkdir -p $d/child
	[ -r $d/child/cpu.pressure ] && cg=$(cut -d' ' -f1 $d/child/cpu.pressure | tr '\n' ' ')
fi
echo "observed: /proc/pressure/cpu lines: $sys; child cgroup cpu.pressure lines: $cg"
[ "$cg" = skipped ] || [ "$cg" = "some full " ] || exit 1
case "$state" in
	before|reverted) [ "$sys" = "some full " ] ;;
	patched) [ "$sys" = "some " ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
