#!/usr/bin/env bash
# Runs the diff-mode catalogue: every case of bench/catalogue/cases is built from its diff against the default
# kernel, applied in one VM of that kernel with its check before, while patched and after the revert (or refused
# by the rule it names), then writes bench/catalogue/results.tsv and the table in bench/catalogue/results.md.
# Usage: bench/catalogue/run.sh
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
start=$(date +%s)
bin/test -Dtest=DiffCatalogueVmTest -Dsurefire.failIfNoSpecifiedTests=false >target/catalogue-run.log 2>&1
status=$?
cp target/catalogue-results.tsv bench/catalogue/results.tsv
{
  echo "# Catalogue results"
  echo
  echo "\`bench/catalogue/run.sh\` on $(date -u +%Y-%m-%d), kernel $(bin/suture kernel list 2>/dev/null | awk 'NR==2{print $1}'),"
  echo "$(( $(date +%s) - start )) s in all (2 cores, TCG). Build seconds include the JVM and both compiles."
  echo
  echo "| case | expected | outcome | build s | functions | detail |"
  echo "|---|---|---|---|---|---|"
  tail -n +2 bench/catalogue/results.tsv | awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6}'
  echo
  tail -n +2 bench/catalogue/results.tsv | awk -F'\t' '{n++; if (($2=="applies" && $3=="applied") || ($2=="nothing-to-patch" && $3=="nothing-to-patch") || ($2 ~ /^refused/ && $3 ~ /^refused/ && index($3, substr($2, 9)) > 0)) ok++} END {printf "%d of %d cases behaved as expected.\n", ok, n}'
} >bench/catalogue/results.md
exit $status
