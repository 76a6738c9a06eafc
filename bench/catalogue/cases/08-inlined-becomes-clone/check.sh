#!/bin/sh
# Patched, signals whose default action is "ignore" (SIGCHLD, SIGCONT, SIGURG, SIGWINCH)
# and whose handler is SIG_DFL show up as ignored, both in /proc/PID/status (SigIgn,
# from proc_pid_status) and in /proc/PID/stat (field 33, from do_task_stat).
state="$1"
mask=$(( (1 << 16) | (1 << 17) | (1 << 22) | (1 << 27) ))
ign=$(grep '^SigIgn:' /proc/self/status | sed 's/^SigIgn:[[:space:]]*//')
statign=$(sed 's/^.*) //' /proc/self/stat | awk '{print $31}')
a=$(( 0x$ign & mask )); b=$(( statign & mask ))
echo "observed: SigIgn $ign (default-ignore bits $a), stat sigignore $statign (bits $b)"
case "$state" in
	before|reverted) [ $a -eq 0 ] && [ $b -eq 0 ] ;;
	patched) [ $a -eq $mask ] && [ $b -eq $mask ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
