// A prospect of the demo company becoming a customer (generate-demo-data.ts): new-business deals
// until one is won, the prospect gives up, or the window ends.
import { days, toMinute } from './calendar';
import { makeDeal } from './demo-deal';
import type { DealDraft } from './drafts';
import type { ProfiledAccount } from './account-profile';

/** The first won deal, or null when the prospect never became a customer (within the window). */
export function pursueNewBusiness({ story, arrival, arrivalSource, arrivalCampaign }: ProfiledAccount): DealDraft | null {
  const { r } = story;
  const { asOf } = story.world;
  let t = toMinute(arrival + days(r.uniform(0, 10)));
  for (let attempt = 0; t < asOf && attempt < 5; attempt++) {
    const source =
      attempt === 0
        ? arrivalSource
        : r.weighted([
            ['Outbound', 0.6],
            ['Inbound', 0.4],
          ] as const);
    const deal = makeDeal(story, {
      createdAt: t,
      dealType: 'New Business',
      source,
      campaign: attempt === 0 ? arrivalCampaign : null,
      distress: 0,
    });
    if (deal.sim.closedAt >= asOf) break;
    if (deal.sim.outcome === 'won') return deal;
    if (!r.bernoulli(0.65)) break;
    t = toMinute(deal.sim.closedAt + days(r.gammaWithMean(2, 60)));
  }
  return null;
}
