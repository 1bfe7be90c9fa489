import { days, toMinute } from './calendar';
import type { Rng } from '../../math/random';

/** Times of a Poisson process on [from, to) with rate maxRate·accept(t) per day (thinning). */
export function poissonTimes(rng: Rng, from: number, to: number, maxRatePerDay: number, accept: (t: number) => number): number[] {
  const out: number[] = [];
  if (to <= from || maxRatePerDay <= 0) return out;
  let t = from;
  for (;;) {
    t += days(rng.exponential(maxRatePerDay));
    if (t >= to) return out;
    if (rng.next() < accept(t)) out.push(toMinute(t));
  }
}
