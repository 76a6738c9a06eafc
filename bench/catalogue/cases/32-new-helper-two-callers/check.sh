#!/bin/sh
# sethostname and setdomainname accept a name with a tab in it; patched, both refuse it
# with EINVAL. (The probe puts the original names back.)
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got (hostname now $(hostname))"
case "$state" in
	before|reverted) [ "$got" = "hostname ok domainname ok" ] ;;
	patched) [ "$got" = "hostname EINVAL domainname EINVAL" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
