// `salescast models list|show|promote|rollback` for every model family (win, churn, clv).
import type { Command } from 'commander';
import type { Database } from '../db/database';
import { invalidInput } from '../errors';
import type { ModelVersionInfo } from '../services/models/model-registry';
import { processIo, table, withDatabase } from './common';
import type { LeakageReport, PromotionDecision, SelectionReport } from '../services/models/training-report';

/** Model selection, leakage guard and promotion comparisons stored with a classifier version. */
function trainingReportLines(m: Record<string, unknown>): string[] {
  const out: string[] = [];
  const selection = m.selection as SelectionReport | undefined;
  const leakage = m.leakage as LeakageReport | undefined;
  const promotion = m.promotion as Pick<PromotionDecision, 'comparisons'> | undefined;
  // Loaded when a report is printed, not when the CLI starts (test/cli/cli-startup.test.ts).
  const { leakageLines, promotionLines, selectionLines } =
    require('../services/models/training-report') as typeof import('../services/models/training-report');
  if (selection?.candidates) out.push('', ...selectionLines(selection));
  if (leakage?.thresholds) out.push(...leakageLines(leakage));
  if (promotion?.comparisons) out.push(...promotionLines(promotion as PromotionDecision));
  return out;
}

// The registry and the artifact validators (which read model files) load when a command runs,
// not when the CLI starts (src/cli.ts).
function registry(db: Database) {
  const { loadConfig } = require('../config') as typeof import('../config');
  const { openModelRegistry } = require('../services/models/model-registry') as typeof import('../services/models/model-registry');
  return openModelRegistry(db, loadConfig().SALESCAST_MODELS_DIR);
}

const validators = () =>
  (require('../services/models/artifact-validators') as typeof import('../services/models/artifact-validators')).ARTIFACT_VALIDATORS;

const f = (v: unknown, digits = 3) => (typeof v === 'number' ? v.toFixed(digits) : v === null || v === undefined ? '' : String(v));
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '');

function headline(m: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!m) return null;
  const t = (m.test ?? m) as Record<string, unknown>;
  return typeof t === 'object' ? t : null;
}

function listRow(v: ModelVersionInfo) {
  const t = headline(v.metrics);
  // The baseline trained with the version, on the same test window: what serves when it is refused.
  const b = (v.metrics?.baseline ?? null) as Record<string, unknown> | null;
  return {
    name: v.name,
    version: v.version,
    algorithm: v.algorithm,
    status: v.status,
    auc: f(t?.auc),
    'log loss': f(t?.logLoss, 4),
    ece: f(t?.ece),
    'baseline auc': f(b?.auc),
    'baseline log loss': f(b?.logLoss, 4),
    trained: v.trainedAt.toISOString().slice(0, 16).replace('T', ' '),
    data: `${day(v.dataFrom)}..${day(v.dataTo)}`,
    promoted: v.promotedAt ? v.promotedAt.toISOString().slice(0, 16).replace('T', ' ') : '',
  };
}

/** The held-out rows of `models show`: this version as served, its baseline, the active model then. */
function testRows(name: string, m: Record<string, unknown>): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const add = (label: string, x: unknown) => {
    const t = x as Record<string, number | null> | null | undefined;
    if (t && typeof t === 'object' && 'logLoss' in t)
      rows.push({
        slice: label,
        n: t.n,
        'base rate': f(t.baseRate),
        auc: f(t.auc),
        'log loss': f(t.logLoss, 4),
        brier: f(t.brier, 4),
        ece: f(t.ece),
        'top-decile lift': f(t.topDecileLift, 2),
      });
  };
  add('test (this model, as served)', m.test);
  add(`test: ${name === 'win' ? 'stage ' : ''}baseline`, m.baseline);
  const active = m.active as { version: number; metrics: unknown } | null | undefined;
  if (active?.metrics) add(`test: active v${active.version} at training time`, active.metrics);
  return rows;
}

function parseVersion(v: string): number {
  const n = Number(String(v).replace(/^v/i, ''));
  if (!Number.isInteger(n) || n < 1)
    throw invalidInput(`version "${v}" must be a positive integer`, [
      { path: ['version'], value: v, problem: 'must be a positive integer' },
    ]);
  return n;
}

export function registerModelCommands(program: Command) {
  const models = program.command('models').description('List, inspect, promote and roll back model versions (win, churn, clv)');
  registerListCommand(models);
  registerShowCommand(models);
  registerPromoteCommands(models);
}

function registerListCommand(models: Command) {
  models
    .command('list [name]')
    .description('Model versions with status and headline test metrics')
    .option('--json', 'print as JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const versions = await registry(db).list(name);
        if (opts.json)
          processIo.out(
            JSON.stringify(
              versions.map(({ featureSchema: _fs, ...v }) => v),
              null,
              2,
            ),
          );
        else
          processIo.out(
            versions.length
              ? table(versions.map(listRow))
              : `No model versions${name ? ` for "${name}"` : ''} yet (train one: npx salescast train ${name ?? 'win'})`,
          );
      });
    });
}

function registerShowCommand(models: Command) {
  models
    .command('show <name>')
    .description('Metrics, reliability table, data window and parameters of a version (default: the active one)')
    .option('--version <n>', 'version number')
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { version?: string; json?: boolean }) => {
      await withDatabase(async (db) => {
        const reg = registry(db);
        // With no active version, say what serves instead and show the newest (refused) version.
        const { fallbackStatus } = require('../services/models/fallback-status') as typeof import('../services/models/fallback-status');
        const fallback = opts.version === undefined ? fallbackStatus(name, await reg.list(name)) : null;
        const v =
          fallback?.version != null
            ? await reg.get(name, fallback.version)
            : await reg.get(name, opts.version === undefined ? undefined : parseVersion(opts.version));
        // A broken artifact (folder or row) does not hide the registry row: say what is wrong with it instead.
        let meta: Record<string, unknown> | null = null;
        let folderProblem: string | null = null;
        try {
          meta = await reg.readMeta(v);
        } catch (e) {
          folderProblem = e instanceof Error ? e.message : String(e);
        }
        if (opts.json) {
          processIo.out(JSON.stringify({ ...v, meta, fallback, ...(folderProblem ? { folderProblem } : {}) }, null, 2));
          return;
        }
        if (folderProblem) processIo.err(`warning: ${folderProblem}`);
        if (fallback) processIo.out(`${fallback.reason}\n`);
        processIo.out(`${v.name} v${v.version} (${v.algorithm}) — ${v.status}`);
        processIo.out(`trained ${v.trainedAt.toISOString()} on data ${day(v.dataFrom)} .. ${day(v.dataTo)}; artifact ${v.artifactPath}`);
        if (v.promotedAt)
          processIo.out(`promoted ${v.promotedAt.toISOString()}${v.retiredAt ? `, retired ${v.retiredAt.toISOString()}` : ''}`);
        if (v.notes) processIo.out(`notes: ${v.notes}`);
        const m = v.metrics ?? {};
        const rows = testRows(v.name, m);
        if (rows.length) {
          processIo.out('');
          processIo.out(table(rows));
        }
        const lift = m.liftOverBaseline as Record<string, number | null> | undefined;
        if (lift)
          processIo.out(
            `lift over baseline: AUC +${f(lift.aucGain)}, log loss -${f((lift.logLossReduction ?? 0) * 100, 1)}%, Brier -${f((lift.brierReduction ?? 0) * 100, 1)}%`,
          );
        const rel = ((m.test as Record<string, unknown> | undefined)?.reliability ?? m.reliability) as
          | { bin: number; from: number; to: number; count: number; meanPredicted: number | null; observedRate: number | null }[]
          | undefined;
        if (Array.isArray(rel)) {
          processIo.out('\nreliability (test slice):');
          processIo.out(
            table(
              rel.map((b) => ({
                bin: `${b.from.toFixed(1)}-${b.to.toFixed(1)}`,
                deals: b.count,
                predicted: f(b.meanPredicted),
                observed: f(b.observedRate),
              })),
            ),
          );
        }
        for (const line of trainingReportLines(m)) processIo.out(line);
        const timing = m.timing as Record<string, number | null> | undefined;
        if (timing)
          processIo.out(
            `\nclose timing (won test deals): median error ${f(timing.medianAbsErrorDays, 1)} days; slip rate ${f(timing.slipRate, 2)} vs predicted ${f(timing.meanSlipProbability, 2)}`,
          );
        if (!rows.length && Object.keys(m).length) processIo.out(`\nmetrics: ${JSON.stringify(m, null, 2)}`);
        if (meta) {
          processIo.out(`\nparameters: ${JSON.stringify(meta.params ?? {})}`);
          processIo.out(
            `seed: ${meta.seed ?? ''}; libraries: ${JSON.stringify(meta.libraries ?? {})}; calibration: ${meta.calibration ?? ''}`,
          );
        }
      });
    });
}

function registerPromoteCommands(models: Command) {
  models
    .command('promote <name> <version>')
    .description(
      'Make a version the active one (atomically retires the current one); refuses a version whose feature schema does not match this code',
    )
    .option('--json', 'print as JSON')
    .action(async (name: string, version: string, opts: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const r = await registry(db).promote(name, parseVersion(version), validators()[name]);
        if (opts.json) processIo.out(JSON.stringify({ promoted: r.promoted.version, retired: r.retired?.version ?? null }));
        else processIo.out(`${name} v${r.promoted.version} is active${r.retired ? ` (v${r.retired.version} retired)` : ''}`);
      });
    });

  models
    .command('rollback <name>')
    .description('Restore the previously active version and retire the current one')
    .option('--json', 'print as JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const r = await registry(db).rollback(name, validators()[name]);
        if (opts.json) processIo.out(JSON.stringify({ restored: r.restored.version, retired: r.retired.version }));
        else processIo.out(`${name} rolled back to v${r.restored.version} (v${r.retired.version} retired)`);
      });
    });
}
