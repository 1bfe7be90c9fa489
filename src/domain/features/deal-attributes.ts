// Which custom attributes of deals the win model uses, and which it leaves out because they record
// the outcome rather than describe the deal.
import type { Deal } from '../deal-timeline/deal';

/**
 * Custom attribute keys worth modelling: present on at least 5% of deals; numeric when every
 * present value is a number or boolean. At most `max` keys, the most frequent first.
 * Leak guard: a key whose mere presence separates won from lost closed deals (filled on at least
 * 90 points more of one outcome than the other, or on at least 20% of one outcome and at most 1%
 * of the other — typically fields copied from a "closed deals" table or filled when a deal is
 * lost) describes the outcome, not the deal, and is left out; such keys are returned in `excluded`.
 */
export function discoverAttributes(
  deals: Deal[],
  max = 20,
): { numeric: string[]; categorical: string[]; excluded?: { key: string; reason: string }[] } {
  const seen = new Map<string, { n: number; numeric: boolean; won: number; lost: number }>();
  let won = 0;
  let lost = 0;
  for (const d of deals) {
    if (d.outcome === 'won') won++;
    else if (d.outcome === 'lost') lost++;
    if (!d.attributes) continue;
    for (const [k, v] of Object.entries(d.attributes)) {
      if (v === null || v === undefined || v === '') continue;
      const s = seen.get(k) ?? { n: 0, numeric: true, won: 0, lost: 0 };
      s.n++;
      if (d.outcome === 'won') s.won++;
      else if (d.outcome === 'lost') s.lost++;
      if (typeof v === 'string') s.numeric = false;
      seen.set(k, s);
    }
  }
  const excluded: { key: string; reason: string }[] = [];
  const keep = [...seen.entries()]
    .filter(([k, s]) => {
      if (s.n < 0.05 * deals.length) return false;
      if (won > 0 && lost > 0) {
        const pw = s.won / won;
        const pl = s.lost / lost;
        if (Math.abs(pw - pl) >= 0.9 || (Math.min(pw, pl) <= 0.01 && Math.max(pw, pl) >= 0.2)) {
          excluded.push({
            key: k,
            reason: `filled on ${Math.round(pw * 100)}% of won and ${Math.round(pl * 100)}% of lost deals: it records the outcome`,
          });
          return false;
        }
      }
      return true;
    })
    .sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1))
    .slice(0, max);
  return {
    numeric: keep
      .filter(([, s]) => s.numeric)
      .map(([k]) => k)
      .sort(),
    categorical: keep
      .filter(([, s]) => !s.numeric)
      .map(([k]) => k)
      .sort(),
    ...(excluded.length ? { excluded } : {}),
  };
}
