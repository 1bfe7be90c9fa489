// Date parsing for imports. CRM exports write dates in many shapes (DD-MM-YYYY from spreadsheets,
// YYYYMMDD from old systems, ISO from APIs); a mapping names the shape per field. Dates without a
// time zone are taken as UTC so that the same file imports to the same instants on every machine.

const TOKEN = /YYYY|MM|DD|HH|mm|ss|SSS/g;

export type DateParser = (text: string) => Date | null;

const isoLike = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function build(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0, offsetMinutes = 0): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999, so 0000-01-01 would
  // pass as 1900. Out-of-range years parse here and are refused by the records' date range.
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, s, ms);
  const t = dt.getTime();
  // Rejects 2023-02-30 and friends, which Date.UTC would silently roll over into March.
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return new Date(t - offsetMinutes * 60000);
}

function offsetOf(z: string | undefined): number {
  if (!z || z.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** ISO 8601 dates and date-times (`2024-01-31`, `2024-01-31T10:00:00Z`, `2024-01-31 10:00`). */
export function parseIsoDate(text: string): Date | null {
  const m = isoLike.exec(text.trim());
  if (!m) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  return build(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms, offsetOf(m[8]));
}

/** The date formats a mapping may name, besides patterns built from the tokens YYYY MM DD HH mm ss SSS. */
export const NAMED_DATE_FORMATS = ['ISO', 'UNIX', 'UNIX_MS'] as const;

/** Checks a format string, returning a problem description or null when it is usable. */
export function dateFormatProblem(format: string): string | null {
  if ((NAMED_DATE_FORMATS as readonly string[]).includes(format)) return null;
  const tokens: string[] = format.match(TOKEN) ?? [];
  if (!tokens.includes('YYYY') || !tokens.includes('MM') || !tokens.includes('DD'))
    return `date format "${format}" must contain YYYY, MM and DD (or be one of ${NAMED_DATE_FORMATS.join(', ')})`;
  if (new Set(tokens).size !== tokens.length) return `date format "${format}" repeats a token`;
  return null;
}

function compileOne(format: string): DateParser {
  if (format === 'ISO') return parseIsoDate;
  if (format === 'UNIX' || format === 'UNIX_MS') {
    const scale = format === 'UNIX' ? 1000 : 1;
    return (text) => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? new Date(Number(text) * scale) : null);
  }
  const order: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of format.matchAll(TOKEN)) {
    pattern += format.slice(last, m.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Adjacent tokens (YYYYMMDD) need fixed widths; separated ones tolerate a dropped leading zero.
    const fixed = m[0] === 'YYYY' ? '\\d{4}' : m[0] === 'SSS' ? '\\d{1,3}' : '\\d{2}';
    const next = format[m.index + m[0].length];
    const separated = next === undefined || !/[A-Za-z]/.test(next);
    const prev = m.index > 0 ? format[m.index - 1] : undefined;
    const sepBefore = prev === undefined || !/[A-Za-z]/.test(prev);
    pattern += m[0] !== 'YYYY' && m[0] !== 'SSS' && separated && sepBefore ? '(\\d{1,2})' : `(${fixed})`;
    order.push(m[0]);
    last = m.index + m[0].length;
  }
  pattern += format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${pattern}$`);
  return (text) => {
    const m = re.exec(text.trim());
    if (!m) return null;
    const v: Record<string, number> = {};
    order.forEach((t, i) => {
      v[t] = Number(m[i + 1]);
    });
    return build(v.YYYY, v.MM, v.DD, v.HH ?? 0, v.mm ?? 0, v.ss ?? 0, v.SSS ?? 0);
  };
}

/** A parser trying each format in turn; with no format, ISO 8601. */
export function compileDateParser(formats: string | string[] | undefined): DateParser {
  const list = formats === undefined ? ['ISO'] : Array.isArray(formats) ? formats : [formats];
  const parsers = list.map(compileOne);
  if (parsers.length === 1) return parsers[0];
  return (text) => {
    for (const p of parsers) {
      const d = p(text);
      if (d) return d;
    }
    return null;
  };
}
