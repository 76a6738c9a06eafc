#!/bin/sh
# Patched, every host name change is logged with a count kept in uts_hostname_changes,
# a new global variable of kernel/sys.c that sethostname (kernel/sys.c) and the
# hostname sysctl (kernel/utsname_sysctl.c) both count up: one variable, so the
# count runs 1, 2, 3 across the two units. Unpatched, nothing is logged. The host
# name is put back by the third change.
state="$1"
n=$(dmesg | grep -c 'hostname change')
old=$(hostname)
hostname suture46a || exit 1
echo suture46b > /proc/sys/kernel/hostname || exit 1
hostname "$old" || exit 1
got=$(dmesg | grep 'hostname change' | tail -n +$((n + 1)) | sed 's/^\[[^]]*\] *//' | tr '\n' ';')
echo "observed: ${got:-no hostname change lines} (host name $(hostname))"
case "$state" in
	before|reverted) [ -z "$got" ] ;;
	patched) [ "$got" = "hostname change 1 by sethostname;hostname change 2 by sysctl;hostname change 3 by sethostname;" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
