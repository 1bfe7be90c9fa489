// The demo company's sales team (generate-demo-data.ts): the base reps of the catalog, plus one
// more per ~85 accounts for larger companies, each working one region.
import { BASE_REPS, EXTRA_REP_FIRST, EXTRA_REP_LAST, REGIONS, type Region, type RepProfile } from './catalog';
import { days, startOfDay } from './calendar';
import { pad, type RepDraft } from './drafts';
import type { Rng } from '../../math/random';

/** How far before the window expansion deals of existing customers may have been created. */
export const IN_FLIGHT_DAYS = 180;

export const REGION_MIX: (readonly [Region, number])[] = [
  ['North America', 0.45],
  ['EMEA', 0.35],
  ['APAC', 0.2],
];

/** The reps, and the reps of each region (every rep for a region nobody works). */
export function hireSalesTeam(rng: Rng, accounts: number, from: number): { reps: RepDraft[]; repsByRegion: Map<Region, number[]> } {
  const repCount = Math.max(BASE_REPS.length, Math.round(accounts / 85));
  const reps: RepDraft[] = [];
  for (let i = 0; i < repCount; i++) {
    const base: RepProfile =
      BASE_REPS[i] ??
      ({
        name: `${EXTRA_REP_FIRST[i % EXTRA_REP_FIRST.length]} ${EXTRA_REP_LAST[Math.floor(i / EXTRA_REP_FIRST.length) % EXTRA_REP_LAST.length]}`,
        region: rng.weighted(REGION_MIX),
        skill: rng.normal(0, 0.3),
        optimism: rng.uniform(0.65, 1),
        callBoldness: rng.uniform(0.05, 0.3),
      } satisfies RepProfile);
    reps.push({ ...base, externalId: `REP-${pad(i + 1, 2)}`, hiredAt: startOfDay(from - days(IN_FLIGHT_DAYS + rng.uniform(30, 1000))) });
  }
  const repsByRegion = new Map<Region, number[]>(REGIONS.map((r) => [r, [] as number[]]));
  reps.forEach((r, i) => {
    repsByRegion.get(r.region)!.push(i);
  });
  for (const region of REGIONS)
    if (repsByRegion.get(region)!.length === 0)
      repsByRegion.set(
        region,
        reps.map((_, i) => i),
      );
  return { reps, repsByRegion };
}
