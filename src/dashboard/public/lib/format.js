// @ts-check
// Formatting. Money has two formats, and a column or a figure uses one of them throughout:
//   moneyFull  $878,141   whole units with grouping (amounts a rep reads exactly)
//   moneyShort $1.48M     three significant digits with K, M or B ($764K, $87.8K; below 1,000 in
//                         whole units: $461), for sums and comparisons
// A negative amount reads −$461 (a true minus sign, never "-$460.7"). The currency is the one the
// API reports (`currency` in its answers, the server's CURRENCY).

let currency = 'USD';
/** @type {Map<string, Intl.NumberFormat>} */
const formats = new Map();

/**
 * Uses the currency an answer reports from now on.
 * @param {string} code ISO 4217
 */
export function useCurrency(code) {
  if (/^[A-Z]{3}$/.test(code)) currency = code;
}
export const currencyCode = () => currency;

/**
 * @param {'full' | 'short'} kind
 * @returns {Intl.NumberFormat}
 */
function formatter(kind) {
  const key = `${kind}:${currency}`;
  let f = formats.get(key);
  if (!f) {
    f =
      kind === 'full'
        ? new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 })
        : new Intl.NumberFormat('en-US', {
            style: 'currency',
            currency,
            notation: 'compact',
            minimumSignificantDigits: 3,
            maximumSignificantDigits: 3,
          });
    formats.set(key, f);
  }
  return f;
}

/** @param {unknown} v @returns {v is number} */
export const finite = (v) => typeof v === 'number' && Number.isFinite(v);

/**
 * @param {number} v
 * @param {'full' | 'short'} kind
 */
function formatMoney(v, kind) {
  const abs = Math.abs(v);
  // Below 1,000 both formats write whole units: "$461", never "$461.00" or "$460.7".
  const text = formatter(kind === 'short' && abs >= 999.5 ? 'short' : 'full').format(abs);
  return Math.round(abs) === 0 || v > 0 ? text : `−${text}`;
}

/** Whole units with grouping: $878,141; −$461. "—" when the figure is missing. @param {number | null | undefined} v */
export const moneyFull = (v) => (finite(v) ? formatMoney(v, 'full') : '—');
/** Three significant digits: $1.48M, $764K, $461; −$1.04M. "—" when missing. @param {number | null | undefined} v */
export const moneyShort = (v) => (finite(v) ? formatMoney(v, 'short') : '—');
/** A change: +$2.05M, −$1.04M, ±$0 (short format). @param {number | null | undefined} v */
export function moneySigned(v) {
  if (!finite(v)) return '—';
  const text = formatMoney(Math.abs(v), 'short');
  if (text === formatMoney(0, 'short')) return `±${text}`;
  return `${v > 0 ? '+' : '−'}${text}`;
}
/** An axis tick: as few digits as the round value needs ($8M, $500K, $0). @param {number} v */
export function moneyAxis(v) {
  const key = `axis:${currency}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', maximumSignificantDigits: 3 });
    formats.set(key, f);
  }
  const text = f.format(Math.abs(v));
  return v < 0 ? `−${text}` : text;
}
/** Both bounds of a range in the short format: "$5.96M – $6.65M". @param {number | null | undefined} lo @param {number | null | undefined} hi */
export const moneyRange = (lo, hi) => (finite(lo) && finite(hi) ? `${moneyShort(lo)} – ${moneyShort(hi)}` : '—');

/** A share as a percentage: 0.358 → "36%" (digits after the point on request). @param {number | null | undefined} v @param {number} [digits] */
export const pct = (v, digits = 0) => (finite(v) ? `${(v * 100).toFixed(digits)}%` : '—');
/** A count with grouping. @param {number | null | undefined} v */
export const int = (v) => (finite(v) ? Math.round(v).toLocaleString('en-US') : '—');
/** A number with fixed decimals. @param {number | null | undefined} v @param {number} [digits] */
export const fixed = (v, digits = 2) => (finite(v) ? v.toFixed(digits) : '—');
/** "1 deal", "3 deals". @param {number} n @param {string} one @param {string} [many] */
export const plural = (n, one, many = `${one}s`) => `${int(n)} ${n === 1 ? one : many}`;

/** @param {string | null | undefined} iso @returns {Date | null} */
export function toDate(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}
/** "Dec 4, 2026" (UTC, the API's calendar). @param {string | Date | null | undefined} v */
export function date(v) {
  const d = v instanceof Date ? v : toDate(v);
  return d ? d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }) : '—';
}
/** "Dec 2026". @param {string | Date | null | undefined} v */
export function monthYear(v) {
  const d = v instanceof Date ? v : toDate(v);
  return d ? d.toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }) : '—';
}
/** A sentence from API text: capital first letter, final full stop. @param {string} text */
export const sentence = (text) => text.replace(/^./, (c) => c.toUpperCase()) + (/[.!?]$/.test(text) ? '' : '.');
