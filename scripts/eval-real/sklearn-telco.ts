// Runs sklearn-telco.py with Debian's /usr/bin/python3 (python3-sklearn, python3-pandas). Optional:
// when Python or scikit-learn is missing, the evaluation says so and carries on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ClassifierEvaluation } from './result';
import type { Scratch } from './scratch';

const PYTHON = process.env.SALESCAST_PYTHON ?? '/usr/bin/python3';

export function sklearnTelco(
  csv: string,
  heldOut: ReadonlySet<string>,
  served: { id: string; p: number | null }[],
  scratch: Scratch,
): ClassifierEvaluation['sklearn'] {
  if (!fs.existsSync(PYTHON)) return `skipped: ${PYTHON} not found`;
  if (served.some((s) => s.p === null)) return 'skipped: no churn probability was served';
  const ids = scratch.path('sklearn', 'held-out.txt');
  const scores = scratch.path('sklearn', 'served.json');
  fs.writeFileSync(ids, [...heldOut].join('\n'));
  fs.writeFileSync(scores, JSON.stringify(served));
  const py = spawnSync(PYTHON, [path.join(__dirname, 'sklearn-telco.py'), csv, ids, scores], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    maxBuffer: 1 << 20,
  });
  if (py.status !== 0) {
    const last = py.stderr.trim().split('\n').slice(-1)[0] ?? '';
    return `skipped: ${/No module named/.test(last) ? `${last} (apt-get install python3-sklearn python3-pandas)` : `python failed: ${last}`}`;
  }
  return JSON.parse(py.stdout.trim().split('\n').at(-1)!);
}
