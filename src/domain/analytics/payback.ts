// Payback period: months from the acquisition month until cumulative net profit covers the
// acquisition cost (CAC payback). Month 0 is the calendar month of acquisition; profit and costs
// booked before acquisition (e.g. sales effort during the first deal) count towards the cumulative
// sum from the start. "not_yet" when the cumulative net profit has never reached the cost.

export type PaybackStatus = 'paid_back' | 'not_yet' | 'no_acquisition_cost';

/** Calendar month number year·12 + month − 1 (UTC), the same as the SQL monthIndex. */
export const monthIndexOf = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();

export function paybackMonths(
  series: { month: number; netProfit: number }[],
  acquisitionCost: number | null,
  acquiredAt: Date | null,
): { months: number | null; status: PaybackStatus } {
  if (acquisitionCost === null || acquisitionCost <= 0) return { months: null, status: 'no_acquisition_cost' };
  const sorted = [...series].sort((a, b) => a.month - b.month);
  const start = acquiredAt ? monthIndexOf(acquiredAt) : sorted[0]?.month;
  let cum = 0;
  for (const m of sorted) {
    cum += m.netProfit;
    // Small tolerance so that sums of cents that exactly cover the cost are not missed by rounding.
    if (cum >= acquisitionCost - 1e-9) return { months: Math.max(0, m.month - (start ?? m.month)), status: 'paid_back' };
  }
  return { months: null, status: 'not_yet' };
}
