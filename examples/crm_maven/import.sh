#!/usr/bin/env bash
# Imports the Maven Analytics CRM sample (https://mavenanalytics.io/data-playground, "CRM Sales
# Opportunities") into the database named by DATABASE_URL (default: ./data/salescast.db).
# Usage: examples/crm_maven/import.sh [path/to/crm_maven]   (default: ../shared/data/crm_maven)
# Parents first: opportunities refer to accounts, products and reps by name.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${1:-$root/../shared/data/crm_maven}"
cd "$root"
npx salescast migrate
npx salescast import accounts      "$data/accounts.csv"       --map "$here/accounts.map.json"
npx salescast import products      "$data/products.csv"       --map "$here/products.map.json"
npx salescast import reps          "$data/sales_teams.csv"    --map "$here/reps.map.json"
npx salescast import opportunities "$data/sales_pipeline.csv" --map "$here/opportunities.map.json"
# Stage history from the pipeline's dates (Prospecting → Engaging → Won/Lost), for point-in-time features.
npx salescast import stage-changes "$data/sales_pipeline.csv" --map "$here/stage-changes-engaged.map.json"
npx salescast import stage-changes "$data/sales_pipeline.csv" --map "$here/stage-changes-closed.map.json"
