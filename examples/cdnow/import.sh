#!/usr/bin/env bash
# Imports the CDNOW transaction log (Fader, Hardie & Lee 2005) as accounts + orders, the input of the
# BG/NBD and Gamma-Gamma customer models. Usage: examples/cdnow/import.sh [path/to/CDNOW_master.txt]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
file="${1:-$root/../shared/data/cdnow/CDNOW_master.txt}"
cd "$root"
npx salescast migrate
npx salescast import accounts "$file" --map "$here/accounts.map.json"
npx salescast import orders   "$file" --map "$here/orders.map.json"
