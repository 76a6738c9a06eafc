#!/bin/sh
# While patched, PR_SET_MM_AUXV is refused with EOPNOTSUPP (its helper is gone); PR_SET_MM_MAP_SIZE, another
# option of the same patched prctl_set_mm, answers sizeof(struct prctl_mm_map) in every state.
state=$1
out=$(/root/probe)
echo "observed: $out"
case "$state" in
patched) [ "$out" = "set-auxv=EOPNOTSUPP map-size=104" ] ;;
*) [ "$out" = "set-auxv=ok map-size=104" ] ;;
esac
