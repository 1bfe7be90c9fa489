#!/usr/bin/env bash
# Imports the CDNOW transaction log (Fader, Hardie & Lee 2005) as accounts + orders, the input of the
# BG/NBD and Gamma-Gamma customer models.
# Usage: examples/cdnow/import.sh [path/to/CDNOW_master.txt]      (23,570 customers, 69,659 orders)
#        examples/cdnow/import.sh --sample [path/to/CDNOW_sample.txt] (2,357 customers, 6,919 orders)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
prefix=""
default="$root/../shared/data/cdnow/CDNOW_master.txt"
if [ "${1:-}" = "--sample" ]; then
  shift
  prefix="sample-"
  default="$root/../shared/data/cdnow/CDNOW_sample.txt"
fi
file="${1:-$default}"
cd "$root"
npx salescast migrate
npx salescast import accounts "$file" --map "$here/${prefix}accounts.map.json"
npx salescast import orders   "$file" --map "$here/${prefix}orders.map.json"
