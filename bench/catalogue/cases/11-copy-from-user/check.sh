#!/bin/sh
# "echo name > /proc/PID/comm" keeps the newline in the task name; patched, it is dropped.
# (A subshell renames itself and stays alive while od reads its comm.)
state="$1"
got=$(sh -c 'echo sutu > /proc/$$/comm; od -An -tx1 < /proc/$$/comm; :' | tr -d ' \n')
echo "observed: comm bytes $got"
case "$state" in
	before|reverted) [ "$got" = 737574750a0a ] ;;
	patched) [ "$got" = 737574750a ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
