#!/bin/sh
# Writing a domain name with a tab to /proc/sys/kernel/domainname succeeds; patched,
# proc_do_uts_string (kernel/utsname_sysctl.c) refuses it with EINVAL through
# uts_name_valid, a new global helper of kernel/sys.c, while a plain name still goes in.
# dd reports the write's error in its exit status. The domain name is put back.
state="$1"
f=/proc/sys/kernel/domainname
old=$(cat $f)
if printf 'su\ttu' | dd of=$f 2>/dev/null; then tab=accepted; else tab=refused; fi
if printf 'suture44' | dd of=$f 2>/dev/null; then plain=accepted; else plain=refused; fi
now=$(cat $f)
printf '%s' "$old" | dd of=$f 2>/dev/null
got="tab $tab plain $plain now $now"
echo "observed: $got (domain name put back: $(cat $f))"
case "$state" in
	before|reverted) [ "$got" = "tab accepted plain accepted now suture44" ] ;;
	patched) [ "$got" = "tab refused plain accepted now suture44" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
