// RFM scoring and named segments (Hughes 1994, "Strategic Database Marketing"; the segment grid is the
// one documented in docs/customers.md). Pure functions: arrays in, arrays out.
//
// Scores are quintiles 1..5 (5 = best): recency = days since the last purchase (fewer is better),
// frequency = purchase occasions, monetary = revenue, all measured as of one date.
// Ties: every customer with the same value gets the same score, computed from the mid-rank of the
// tied block: score = 1 + floor(5 · (midrank - 0.5) / n), clamped to 1..5. A block of ties is never
// split across two scores, so quintiles can be uneven when many customers share a value (e.g. the
// many one-time buyers all receive the same frequency score).

export interface RfmInput {
  /** Days since the last purchase as of the scoring date. */
  recencyDays: number;
  /** Number of purchase occasions. */
  frequency: number;
  /** Revenue (or margin) over the same window. */
  monetary: number;
}

export const RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential loyalist',
  'new',
  'promising',
  'need attention',
  'at risk',
  "can't lose them",
  'hibernating',
  'lost',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  /** "RFM" digits, e.g. "545". */
  score: string;
  segment: RfmSegment;
}

/** Quintile scores with mid-rank tie handling; higher value → higher score. */
export function quintileScores(values: ArrayLike<number>): number[] {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  const out = new Array<number>(n);
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]] === values[order[start]]) end++;
    const midrank = (start + end) / 2 + 1; // 1-based
    const score = Math.min(5, Math.max(1, 1 + Math.floor((5 * (midrank - 0.5)) / n)));
    for (let k = start; k <= end; k++) out[order[k]] = score;
    start = end + 1;
  }
  return out;
}

/**
 * Segment from the recency score r and the combined frequency-monetary score fm = round((f + m) / 2).
 * Each (r, fm) cell of the 5×5 grid belongs to exactly one segment:
 *
 *   r \ fm   1                2                  3                  4            5
 *   5        new              potential loyalist potential loyalist champions    champions
 *   4        promising        potential loyalist potential loyalist champions    champions
 *   3        need attention   need attention     need attention     loyal        loyal
 *   2        hibernating      hibernating        at risk            at risk      at risk
 *   1        lost             lost               at risk            can't lose   can't lose
 */
export function rfmSegment(r: number, f: number, m: number): RfmSegment {
  const fm = Math.round((f + m) / 2);
  if (r >= 4) {
    if (fm >= 4) return 'champions';
    if (fm >= 2) return 'potential loyalist';
    return r === 5 ? 'new' : 'promising';
  }
  if (r === 3) return fm >= 4 ? 'loyal' : 'need attention';
  if (r === 2) return fm >= 3 ? 'at risk' : 'hibernating';
  if (fm >= 4) return "can't lose them";
  return fm === 3 ? 'at risk' : 'lost';
}

/** Scores a population of customers against each other. */
export function scoreRfm(customers: RfmInput[]): RfmScore[] {
  const r = quintileScores(customers.map((c) => -c.recencyDays));
  const f = quintileScores(customers.map((c) => c.frequency));
  const m = quintileScores(customers.map((c) => c.monetary));
  return customers.map((_, i) => ({ r: r[i], f: f[i], m: m[i], score: `${r[i]}${f[i]}${m[i]}`, segment: rfmSegment(r[i], f[i], m[i]) }));
}

/**
 * Scores customers against a reference population (e.g. an inline customer against the stored
 * ones) with the same mid-rank rule, as if each customer were added to the reference.
 */
export function scoreRfmAgainst(reference: RfmInput[], customers: RfmInput[]): RfmScore[] {
  const sorted = (f: (c: RfmInput) => number) => reference.map(f).sort((a, b) => a - b);
  const rs = sorted((c) => -c.recencyDays);
  const fs = sorted((c) => c.frequency);
  const ms = sorted((c) => c.monetary);
  const n = reference.length + 1;
  const scoreOf = (a: number[], v: number) => {
    let less = 0;
    let equal = 0;
    for (const x of a) {
      if (x < v) less++;
      else if (x === v) equal++;
    }
    const midrank = less + (equal + 2) / 2; // the customer itself joins the tied block
    return Math.min(5, Math.max(1, 1 + Math.floor((5 * (midrank - 0.5)) / n)));
  };
  return customers.map((c) => {
    const r = scoreOf(rs, -c.recencyDays);
    const f = scoreOf(fs, c.frequency);
    const m = scoreOf(ms, c.monetary);
    return { r, f, m, score: `${r}${f}${m}`, segment: rfmSegment(r, f, m) };
  });
}
