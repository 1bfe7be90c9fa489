#!/usr/bin/env bash
# Proves a refactoring changed no behaviour (issue 14, "same figures on the demo before and after"):
# loads the seeded demo company into a fresh SQLite database, trains the win, churn and clv models,
# and records what users see: the records the generator produces (one hash per kind), the pipeline
# forecast (Monte Carlo, backtest, run-rate with the driver regression), the profitability report
# and the model versions. Timing fields, paths and
# generated ids are removed; everything else must match to the byte.
#
#   scripts/compare-demo-figures.sh record <dir>          figures of the current tree into <dir>
#   scripts/compare-demo-figures.sh compare <baseline>    record into a temporary directory and
#                                                         diff with <baseline>; exit 1 on any change
#
# Typical use: `record /tmp/figures-before` on the commit before a refactoring, then
# `compare /tmp/figures-before` after it. Takes about two minutes (model training dominates).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SEED=42
ACCOUNTS=300
MONTHS=24
AS_OF=2026-06-30
PERIOD=2026-Q3

# Fields whose values depend on the clock, the machine or the file system, not on the computation.
STRIP='walk(if type == "object" then del(.elapsedMs, .ms, .fitSeconds, .durationSeconds, .seconds, .durationMs, .trainingMs, .createdAt,
  .updatedAt, .takenAt, .trainedAt, .promotedAt, .generatedAt, .startedAt, .finishedAt, .path, .dir,
  .artifactPath, .modelsDir, .databaseUrl) else . end)'

# Printed output with durations ("(812 ms)", "(3.4 s)", "fitted in 1.2 s") replaced.
text() {
  sed -E 's/[0-9][0-9.,]* m?s\b/<time>/g'
}

record() {
  local out="$1"
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  local work
  work="$(mktemp -d)"
  rm -f "$out"/*.json
  export DATABASE_URL="file:$work/demo.db"
  export SALESCAST_MODELS_DIR="$work/models"
  export SALESCAST_SEED="$SEED"
  export TZ=UTC
  local cli=(node "$ROOT/bin/salescast.js")
  cd "$ROOT"

  "${cli[@]}" migrate >/dev/null
  # The generator itself, kind by kind (bin/salescast.js above rebuilt dist/ if sources changed).
  node -e '
    const { createHash } = require("node:crypto");
    const { generateDemoData } = require("./dist/domain/demo");
    const [seed, accounts, months, asOf] = process.argv.slice(1);
    const data = generateDemoData({ seed: Number(seed), accounts: Number(accounts), months: Number(months), asOf: new Date(`${asOf}T00:00:00Z`) });
    const out = {};
    for (const [kind, value] of Object.entries({ ...data.records, truth: data.truth, key: data.key })) {
      out[kind] = { count: Array.isArray(value) ? value.length : null, sha256: createHash("sha256").update(JSON.stringify(value)).digest("hex") };
    }
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  ' "$SEED" "$ACCOUNTS" "$MONTHS" "$AS_OF" >"$out/generator.json"

  "${cli[@]}" demo --seed "$SEED" --accounts "$ACCOUNTS" --months "$MONTHS" --as-of "$AS_OF" --json | jq -S "$STRIP" >"$out/demo.json"
  "${cli[@]}" train win --as-of "$AS_OF" --json | jq -S "$STRIP" >"$out/train-win.json"
  "${cli[@]}" train churn --as-of "$AS_OF" --json | jq -S "$STRIP" >"$out/train-churn.json"
  "${cli[@]}" train clv --as-of "$AS_OF" --json | jq -S "$STRIP" >"$out/train-clv.json"
  "${cli[@]}" models list --json | jq -S "$STRIP" >"$out/models-list.json"
  "${cli[@]}" forecast --json --as-of "$AS_OF" --period "$PERIOD" --seed "$SEED" | jq -S "$STRIP" >"$out/forecast.json"
  "${cli[@]}" forecast --json --as-of "$AS_OF" --period "$PERIOD" --seed "$SEED" --scorer stage-model | jq -S "$STRIP" >"$out/forecast-stage.json"
  "${cli[@]}" forecast backtest --json --to "$AS_OF" --period month --sims 500 --seed "$SEED" | jq -S "$STRIP" >"$out/forecast-backtest.json"
  # run-rate has no --as-of: it reads the months up to today, so compare runs made the same month.
  "${cli[@]}" forecast run-rate --json --seed "$SEED" | jq -S "$STRIP | del(.asOf)" >"$out/forecast-run-rate.json"
  "${cli[@]}" report profitability --json --to "$AS_OF" | jq -S "$STRIP" >"$out/report-profitability.json"
  "${cli[@]}" report cohorts --json --to "$AS_OF" | jq -S "$STRIP" >"$out/report-cohorts.json"
  "${cli[@]}" report compare --json --to "$AS_OF" --group segment=SMB --group segment=Enterprise --seed "$SEED" | jq -S "$STRIP" >"$out/report-compare.json"
  "${cli[@]}" forecast snapshot --json --as-of 2026-05-31 --period "$PERIOD" --sims 2000 --seed "$SEED" | jq -S "$STRIP" >"$out/forecast-snapshot-1.json"
  "${cli[@]}" forecast snapshot --json --as-of "$AS_OF" --period "$PERIOD" --sims 2000 --seed "$SEED" | jq -S "$STRIP" >"$out/forecast-snapshot-2.json"
  "${cli[@]}" forecast changes --json | jq -S "$STRIP" >"$out/forecast-changes.json"

  # What the commands print (timings replaced). Not what-if: it works as of the current minute.
  "${cli[@]}" forecast --as-of "$AS_OF" --period "$PERIOD" --seed "$SEED" | text >"$out/forecast.txt"
  "${cli[@]}" forecast --csv --as-of "$AS_OF" --period "$PERIOD" --seed "$SEED" | text >"$out/forecast.csv"
  "${cli[@]}" forecast changes --deals | text >"$out/forecast-changes.txt"
  for r in profitability cohorts pareto funnel campaigns growth new-vs-existing; do
    "${cli[@]}" report "$r" --to "$AS_OF" | text >"$out/report-$r.txt"
  done
  "${cli[@]}" report compare --to "$AS_OF" --group segment=SMB --group segment=Enterprise --seed "$SEED" | text >"$out/report-compare.txt"
  # Last: these store scores and register model versions.
  "${cli[@]}" score customers --as-of "$AS_OF" | text >"$out/score-customers.txt"
  "${cli[@]}" score deals --as-of "$AS_OF" | text >"$out/score-deals.txt"
  "${cli[@]}" train churn --as-of "$AS_OF" --promote never | text >"$out/train-churn.txt"
  "${cli[@]}" train clv --as-of "$AS_OF" --promote never | text >"$out/train-clv.txt"
  "${cli[@]}" train win --as-of "$AS_OF" --promote never --algorithm logistic | text >"$out/train-win.txt"
  rm -rf "$work"
}

case "${1:-}" in
  record)
    [ -n "${2:-}" ] || { echo "usage: $0 record <dir>" >&2; exit 2; }
    record "$2"
    echo "figures recorded in $2"
    ;;
  compare)
    [ -d "${2:-}" ] || { echo "usage: $0 compare <baseline-dir>" >&2; exit 2; }
    after="$(mktemp -d)"
    record "$after"
    if diff -ru "$2" "$after"; then
      echo "same figures: $(ls "$after" | tr '\n' ' ')"
      rm -rf "$after"
    else
      echo "figures differ (after: $after)" >&2
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 record <dir> | compare <baseline-dir>" >&2
    exit 2
    ;;
esac
