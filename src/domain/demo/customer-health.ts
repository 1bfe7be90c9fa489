// A customer's "distress" over time, u(t) in [0, 1]: 0 is a healthy customer, 1 one about to leave.
// Churners ramp up to 1 over the months before their churn date; some loyal customers go through a
// temporary dip and recover (so that a drop in orders is a signal, not a verdict). Orders, account
// activity, expansion deals and support load are all modulated by u(t), which is how falling order
// frequency, falling activity and rising support costs come to precede churn.
import { DAY_MS } from '../../math/time';

export interface DistressEpisode {
  start: number;
  peakAt: number;
  end: number;
  level: number;
}

export function distressAt(episodes: readonly DistressEpisode[], t: number): number {
  let u = 0;
  for (const e of episodes) {
    if (t <= e.start || t >= e.end) continue;
    const v = t <= e.peakAt ? (t - e.start) / Math.max(DAY_MS, e.peakAt - e.start) : (e.end - t) / Math.max(DAY_MS, e.end - e.peakAt);
    u = Math.max(u, e.level * Math.min(1, v));
  }
  return u;
}

/** How each observable responds to distress u. */
export const orderMultiplier = (u: number) => 1 - 0.75 * u;
export const activityMultiplier = (u: number) => 1 - 0.7 * u;
export const supportMultiplier = (u: number) => 1 + 1.5 * u;
export const expansionMultiplier = (u: number) => 1 - 0.8 * u;
