#!/bin/sh
# crypto_cmac_digest_setkey refuses an all-zero key while patched; a real key's MAC (RFC 4493, example 2) is
# right in every state, so the new code still calls the CRYPTO_INTERNAL cipher functions correctly.
state=$1
out=$(/root/probe)
echo "observed: $out"
mac=rfc4493=070a16b46b4d4144f79bdd9dd04a287c
case "$state" in
patched) [ "$out" = "zero-key=EINVAL $mac" ] ;;
*) [ "$out" = "zero-key=ok $mac" ] ;;
esac
