#!/usr/bin/env bash
# Imports IBM's Telco Customer Churn sample as accounts (status churned/active, everything else as
# custom attributes). Usage: examples/telco_churn/import.sh [path/to/Telco-Customer-Churn.csv]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
file="${1:-$root/../shared/data/telco_churn/Telco-Customer-Churn.csv}"
cd "$root"
npx salescast migrate
npx salescast import accounts "$file" --map "$here/accounts.map.json"
