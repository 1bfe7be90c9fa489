// Forecast categories (the reps' call) rolled up per group next to the model's view.
// The usual CRM reading (e.g. Salesforce Forecasts): for deals expected to close in the period,
//   closed    = won in the period,
//   commit    = closed + deals the rep commits to,
//   best case = commit + deals that could close with luck,
//   pipeline  = best case + the rest of the open pipeline; omitted deals are excluded.
// The reps' call is the commit figure; it "disagrees" with the model when it falls outside the
// model's P10-P90 interval for the same group.

export const CATEGORY_ORDER = ['closed', 'commit', 'best_case', 'pipeline', 'omitted'] as const;
export type ForecastCategory = (typeof CATEGORY_ORDER)[number];

export interface CategorizedDeal {
  amount: number;
  /** open deals expected to close in the period carry their category; won-in-period deals are "closed". */
  category: string | null;
  groups?: Record<string, string>;
}

export interface ModelView {
  expected: number;
  p10: number;
  p90: number;
}

export interface CategoryRollup {
  key: string;
  closed: number;
  commit: number;
  bestCase: number;
  pipeline: number;
  omitted: number;
  /** Cumulative calls. */
  commitCall: number;
  bestCaseCall: number;
  pipelineCall: number;
  model: ModelView | null;
  /** 'above-model' when commit > P90, 'below-model' when commit < P10, else null. */
  disagreement: 'above-model' | 'below-model' | null;
}

export function normalizeCategory(c: string | null | undefined): ForecastCategory {
  const v = (c ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (v === 'closed' || v === 'commit' || v === 'best_case' || v === 'omitted') return v;
  if (v === 'bestcase' || v === 'upside') return 'best_case';
  return 'pipeline';
}

export function rollUpCategories(
  deals: readonly CategorizedDeal[],
  dimension: string | null,
  model: Map<string, ModelView> = new Map(),
): CategoryRollup[] {
  const byKey = new Map<string, Record<ForecastCategory, number>>();
  for (const d of deals) {
    const key = dimension ? (d.groups?.[dimension] ?? '(none)') : 'all';
    const row = byKey.get(key) ?? { closed: 0, commit: 0, best_case: 0, pipeline: 0, omitted: 0 };
    row[normalizeCategory(d.category)] += d.amount;
    byKey.set(key, row);
  }
  for (const key of model.keys()) if (!byKey.has(key)) byKey.set(key, { closed: 0, commit: 0, best_case: 0, pipeline: 0, omitted: 0 });
  return [...byKey.entries()]
    .map(([key, r]) => {
      const commitCall = r.closed + r.commit;
      const m = model.get(key) ?? null;
      const disagreement = m ? (commitCall > m.p90 ? 'above-model' : commitCall < m.p10 ? 'below-model' : null) : null;
      return {
        key,
        closed: r.closed,
        commit: r.commit,
        bestCase: r.best_case,
        pipeline: r.pipeline,
        omitted: r.omitted,
        commitCall,
        bestCaseCall: commitCall + r.best_case,
        pipelineCall: commitCall + r.best_case + r.pipeline,
        model: m,
        disagreement,
      } as CategoryRollup;
    })
    .sort((a, b) => b.pipelineCall - a.pipelineCall || a.key.localeCompare(b.key));
}
