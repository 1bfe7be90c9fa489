// One evaluation run over the chosen datasets, each in its own scratch databases; a dataset whose
// files are missing is skipped with the reason (the datasets are not part of the repository).
import { MAVEN, OLIST } from './deal-datasets';
import { CDNOW, evaluateCdnow } from './evaluate-cdnow';
import { evaluateChurn, TELCO } from './evaluate-churn';
import { evaluateDeals } from './evaluate-deals';
import type { RunOptions } from './options';
import { datasetDir, realDataDir } from './paths';
import type { DatasetKey, Evaluation, Skipped } from './result';
import { Scratch } from './scratch';

export interface RunRequest {
  datasets: readonly DatasetKey[];
  quick: boolean;
  sklearn: boolean;
  log?: (message: string) => void;
}

export interface RunResult {
  dataDir: string;
  quick: boolean;
  evaluations: Evaluation[];
  skipped: Skipped[];
  seconds: number;
}

/** The files each dataset needs, in its folder of the data directory. */
export const DATASET_FILES: Record<DatasetKey, { folder: string; files: string[] }> = {
  maven: { folder: MAVEN.folder, files: MAVEN.imports.map((i) => i.file) },
  olist: { folder: OLIST.folder, files: ['olist_marketing_qualified_leads_dataset.csv', 'olist_closed_deals_dataset.csv'] },
  telco: { folder: TELCO.folder, files: [TELCO.file] },
  cdnow: { folder: CDNOW.folder, files: [CDNOW.file] },
};

function evaluateOne(key: DatasetKey, dir: string, o: RunOptions): Promise<Evaluation> {
  if (key === 'maven') return evaluateDeals(MAVEN, dir, o);
  if (key === 'olist') return evaluateDeals(OLIST, dir, o);
  if (key === 'telco') return evaluateChurn(dir, o);
  return evaluateCdnow(dir, o);
}

export async function runEvaluation(req: RunRequest): Promise<RunResult> {
  const started = Date.now();
  const evaluations: Evaluation[] = [];
  const skipped: Skipped[] = [];
  for (const key of req.datasets) {
    const { folder, files } = DATASET_FILES[key];
    const dir = datasetDir(folder, files);
    if (!dir) {
      skipped.push({ dataset: key, skipped: `${files.join(', ')} not found in ${realDataDir()}/${folder} (set SALESCAST_REAL_DATA_DIR)` });
      continue;
    }
    // One scratch folder per dataset, removed as soon as it is done (the databases are large).
    const scratch = Scratch.create();
    try {
      evaluations.push(await evaluateOne(key, dir, { scratch, quick: req.quick, sklearn: req.sklearn, log: req.log ?? (() => undefined) }));
    } finally {
      await scratch.cleanup();
    }
  }
  return { dataDir: realDataDir(), quick: req.quick, evaluations, skipped, seconds: (Date.now() - started) / 1000 };
}
