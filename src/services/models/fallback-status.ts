// What serves when a model has no active version, said the same way by `GET /v1/models/:name` and
// `salescast models show`: the newest trained version was refused (its decision says why), and for
// deal-win the stage baseline trained with it serves instead (fallback: true in every score). Its
// own metrics on the same test window are shown next to the refused candidate's.
import type { ModelVersionInfo } from '../../ml/registry';

export interface FallbackStatus {
  reason: string;
  /** The newest trained version (its baseline serves for deal-win), null when none was trained. */
  version: number | null;
  decision: string | null;
  /** The baseline's own metrics on that version's test window. */
  baseline: Record<string, unknown> | null;
  /** The refused candidate's metrics on the same window. */
  candidate: Record<string, unknown> | null;
}

const SERVED_INSTEAD: Record<string, string> = {
  win: 'deal scores come from the stage baseline trained with it (fallback: true)',
  churn: 'churn probabilities are not served (scores say why)',
  clv: 'P(alive), expected purchases and CLV are not served',
};

/** Null when a version is active; otherwise what serves instead and why. `versions`: newest first. */
export function fallbackStatus(name: string, versions: ModelVersionInfo[]): FallbackStatus | null {
  if (versions.some((v) => v.status === 'active')) return null;
  const instead = SERVED_INSTEAD[name] ?? 'nothing is served';
  const newest = versions[0];
  if (!newest)
    return { reason: `no ${name} model has been trained; ${instead}`, version: null, decision: null, baseline: null, candidate: null };
  const m = (newest.metrics ?? {}) as Record<string, unknown>;
  const pick = (k: string) => (m[k] && typeof m[k] === 'object' ? (m[k] as Record<string, unknown>) : null);
  return {
    reason: `no ${name} model is active: v${newest.version} is ${newest.status === 'candidate' ? 'a candidate that was not promoted' : newest.status}; ${instead}`,
    version: newest.version,
    decision: newest.notes,
    baseline: pick('baseline'),
    candidate: pick('test'),
  };
}
