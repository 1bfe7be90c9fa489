#!/usr/bin/env bash
# Imports the Olist marketing funnel as opportunities: leads, with the closed (won) deals joined on
# mql_id by the mapping (no preprocessing). Usage: examples/olist_marketing_funnel/import.sh [dir]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-$root/../shared/data/olist_marketing_funnel}"
cd "$root"
npx salescast migrate
# The join file (olist_closed_deals_dataset.csv) is found next to the leads file.
# One lead (b91cf881...) is "won" two days before its first contact in the source data; it is
# rejected with that reason into data/olist_rejected.csv and the other 7,999 leads import.
# Exit code 2 means "imported, some rows rejected": expected here, anything else is a failure.
mkdir -p data
status=0
npx salescast import opportunities "$data/olist_marketing_qualified_leads_dataset.csv" \
  --map "$here/opportunities.map.json" --skip-invalid data/olist_rejected.csv || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then exit "$status"; fi
