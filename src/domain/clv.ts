// Customer lifetime value from a purchase-count model and a spend model (Fader, Hardie & Lee 2005,
// "RFM and CLV", eq. 2 in discrete time): the discounted expected margin over a horizon,
//   CLV = Σ_{k=1..H} (E[Y(k·m)] - E[Y((k-1)·m)]) · E[M] · margin / (1 + d)^k,
// where E[Y(t)] is the expected number of purchases in the next t model time units (BG/NBD eq. 10),
// m is the length of a month in those units, E[M] the expected spend per purchase (Gamma-Gamma),
// and d the monthly discount rate equivalent to the annual one: (1 + d)^12 = 1 + annual rate.
// Pure: the models come in as functions.

export interface ClvOptions {
  /** Months ahead (default 12). */
  horizonMonths: number;
  /** Annual discount rate, e.g. 0.1 for 10 % a year (default 0.1). */
  annualDiscountRate: number;
  /** Gross margin as a fraction of revenue (1 = CLV in revenue terms). */
  margin: number;
  /** Length of the model's time unit in days (7 for weeks). */
  unitDays: number;
}

export const DEFAULT_CLV_OPTIONS: Omit<ClvOptions, 'unitDays'> = { horizonMonths: 12, annualDiscountRate: 0.1, margin: 1 };

export function monthlyDiscountRate(annual: number): number {
  if (!(annual > -1)) throw new RangeError('the discount rate must be greater than -100 %');
  return (1 + annual) ** (1 / 12) - 1;
}

export interface ClvResult {
  clv: number;
  /** Undiscounted expected purchases over the horizon. */
  expectedPurchases: number;
  expectedSpend: number;
}

export function customerLifetimeValue(
  cumulativeExpectedPurchases: (t: number) => number,
  expectedSpend: number,
  options: ClvOptions,
): ClvResult {
  const { horizonMonths, annualDiscountRate, margin, unitDays } = options;
  if (!(horizonMonths >= 0) || !Number.isInteger(horizonMonths)) throw new RangeError('horizonMonths must be a non-negative integer');
  if (!(unitDays > 0)) throw new RangeError('unitDays must be positive');
  const month = 30.4375 / unitDays;
  const d = monthlyDiscountRate(annualDiscountRate);
  let prev = 0;
  let clv = 0;
  for (let k = 1; k <= horizonMonths; k++) {
    const cum = cumulativeExpectedPurchases(k * month);
    clv += ((cum - prev) * expectedSpend * margin) / (1 + d) ** k;
    prev = cum;
  }
  return { clv, expectedPurchases: prev, expectedSpend };
}
