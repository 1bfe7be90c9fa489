// npm run eval:real [-- --dataset maven,olist,telco,cdnow] [--quick] [--json] [--skip-sklearn]
// Real-data evaluation (issue #11 item 7): imports each public dataset in ../shared/data (or
// SALESCAST_REAL_DATA_DIR) through the examples/ mappings into scratch SQLite databases, holds out
// the latest deals (a fixed id split for telco, which has no dates), trains with the CLI's code
// (`train win|churn --promote auto`), serves the training database over HTTP and scores the
// held-out rows inline, then prints AUC, log loss, Brier and ECE of the served probabilities next
// to the base rate and to the metrics the training run reported, with the targets.
// CDNOW: BG/NBD and Gamma-Gamma fitted through `train clv` against the published figures.
// --quick is the CI subset (logistic only, fewer snapshots; test/eval/real-data.test.ts).
// Exit code: 0 when every target passes, 1 when one fails or a dataset's files are missing, 2 on a
// usage error.
import { renderReport } from './eval-real/report';
import { DATASET_KEYS, type DatasetKey } from './eval-real/result';
import { runEvaluation } from './eval-real/run';

function usage(message: string): never {
  process.stderr.write(
    `eval:real: ${message}\nusage: npm run eval:real -- [--dataset ${DATASET_KEYS.join(',')}] [--quick] [--json] [--skip-sklearn]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]) {
  let datasets: DatasetKey[] = [...DATASET_KEYS];
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dataset' || a.startsWith('--dataset=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) usage('--dataset needs a value');
      const names = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = names.filter((n) => !DATASET_KEYS.includes(n as DatasetKey));
      if (bad.length || !names.length) usage(`unknown dataset "${bad.join(', ') || v}" (choose from ${DATASET_KEYS.join(', ')})`);
      datasets = DATASET_KEYS.filter((k) => names.includes(k));
    } else if (['--quick', '--json', '--skip-sklearn'].includes(a)) flags.add(a);
    else if (a === '--help' || a === '-h') usage('help');
    else usage(`unknown option "${a}"`);
  }
  return { datasets, quick: flags.has('--quick'), json: flags.has('--json'), sklearn: !flags.has('--skip-sklearn') };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (m: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${m}\n`);
  const result = await runEvaluation({ ...args, log });
  process.stdout.write(
    `${args.json ? JSON.stringify(result, null, 2) : renderReport(result.evaluations, result.skipped, result.seconds)}\n`,
  );
  const failed = result.skipped.length > 0 || result.evaluations.some((e) => e.gates.some((g) => !g.pass));
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`eval:real failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
