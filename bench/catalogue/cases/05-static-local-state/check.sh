#!/bin/sh
# cp_old_stat() warns at most 5 times per boot (static local warncount). before: 3 calls
# warn 3 times (old text). patched: 3 calls warn only 2 more times, in the new text
# "comm (pid) using old stat() call" -- the count continues. reverted: the count is
# used up, no warning at all. Needs a freshly booted guest (nothing else uses old stat).
state="$1"
old='VFS: Warning: probe using old stat() call'
new='VFS: Warning: probe ([0-9]*) using old stat() call'
o0=$(dmesg | grep -c "$old"); n0=$(dmesg | grep -c "$new")
/root/probe 3 || exit 1
o1=$(dmesg | grep -c "$old"); n1=$(dmesg | grep -c "$new")
old_new=$((o1 - o0)); new_new=$((n1 - n0))
echo "observed: $old_new new warning(s) in the old text, $new_new in the new text"
dmesg | grep 'using old stat() call' | tail -n 3
case "$state" in
	before) [ $old_new -eq 3 ] && [ $new_new -eq 0 ] ;;
	patched) [ $old_new -eq 0 ] && [ $new_new -eq 2 ] ;;
	reverted) [ $old_new -eq 0 ] && [ $new_new -eq 0 ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
