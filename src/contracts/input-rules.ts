// Input hygiene shared by every way data comes in: the HTTP contracts (params, query, body, at any
// depth, keys included), the canonical records behind `/v1/data` and `salescast import`. One
// definition, so a route or a record kind cannot forget a rule:
// - text must not contain NUL (PostgreSQL text cannot store it: every such write or even a
//   comparison was a 500) nor an unpaired UTF-16 surrogate (it has no UTF-8 encoding: SQLite stored
//   invalid UTF-8 and the next identical upsert failed);
// - dates must fall between 1900-01-01 and 2199-12-31 (UTC). Nothing a CRM records lies outside,
//   and beyond it things break quietly: PostgreSQL has no year 0, and Date.UTC maps years 0-99 to
//   1900-1999.
// Imports only zod, like every contract.
import { z } from 'zod';
import { parseIsoDate } from './iso-date';

export { parseIsoDate } from './iso-date';

export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2199-12-31';
const MIN_TIME = Date.UTC(1900, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1); // exclusive: the last instant of 2199-12-31 is allowed
export const DATE_RANGE_PROBLEM = `must be between ${EARLIEST_DATE} and ${LATEST_DATE}`;
export const NUL_PROBLEM = 'must not contain the NUL character (\\u0000)';
export const SURROGATE_PROBLEM = 'must not contain an unpaired UTF-16 surrogate (not valid Unicode text)';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be accepted as text, or null when it can. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return NUL_PROBLEM;
  if (LONE_SURROGATE.test(s)) return SURROGATE_PROBLEM;
  return null;
}

/** Whether an instant (ms since the epoch) lies in the accepted date range. */
export function dateInRange(t: number): boolean {
  return Number.isFinite(t) && t >= MIN_TIME && t < MAX_TIME;
}

/** z.string() with the text rule; every contract and record string starts from this. */
export const safeString = () =>
  z.string().superRefine((s, ctx) => {
    const problem = textProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
  });

/** A z.date() (records, after parsing) in the accepted range. */
export const rangedDate = (message = 'must be a valid date') =>
  z.date({ error: message }).refine((d) => dateInRange(d.getTime()), DATE_RANGE_PROBLEM);

/** Refinement for ISO 8601 date strings already checked for shape: a real instant in range. */
export function isoDateProblem(s: string): string | null {
  const t = parseIsoDate(s);
  if (!Number.isFinite(t)) return 'must be a valid date';
  return dateInRange(t) ? null : DATE_RANGE_PROBLEM;
}

export interface InputIssue {
  path: (string | number)[];
  problem: string;
}

/** Whether any string in a value (keys included) breaks the text rule: the cheap first pass. */
function anyBadText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (textProblem(v)) return true;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'object' || typeof v[i] === 'string') stack.push(v[i]);
    } else if (v !== null && typeof v === 'object') {
      for (const k in v) {
        if (textProblem(k)) return true;
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === 'object' || typeof x === 'string') stack.push(x);
      }
    }
  }
  return false;
}

/**
 * Every string in a value (a parsed JSON body, a query object, path parameters) that breaks the
 * text rule, keys included, with its path. Iterative, so a deeply nested body cannot overflow the
 * stack; stops after `max` issues. Paths are built only when something is wrong.
 */
export function textIssues(value: unknown, base: (string | number)[] = [], max = 50): InputIssue[] {
  if (!anyBadText(value)) return [];
  // Each entry keeps a link to its parent rather than a copy of its path: copying paths made a
  // deeply nested body quadratic.
  type Node = { parent: Node | null; key: string | number };
  const pathOf = (node: Node | null, last?: string) => {
    const keys: (string | number)[] = last === undefined ? [] : [last];
    for (let n = node; n; n = n.parent) keys.push(n.key);
    return [...base, ...keys.reverse()];
  };
  const out: InputIssue[] = [];
  const stack: Array<[unknown, Node | null]> = [[value, null]];
  while (stack.length && out.length < max) {
    const [v, node] = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) out.push({ path: pathOf(node), problem });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        if (typeof v[i] === 'object' || typeof v[i] === 'string') stack.push([v[i], { parent: node, key: i }]);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i];
        const keyProblem = textProblem(k);
        if (keyProblem) out.push({ path: pathOf(node, k), problem: `field name ${keyProblem}` });
        else stack.push([(v as Record<string, unknown>)[k], { parent: node, key: k }]);
      }
    }
  }
  return out;
}
