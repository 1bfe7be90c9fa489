// How the held-out rows are chosen. Where the data has dates, by time: the latest part of the
// labelled rows by creation time is held out, and so is everything created from that moment on
// (also rows that cannot be labelled), so the training database knows nothing created after the
// cut. Where the data has no dates (telco), by a fixed function of the id: the rows whose SHA-256 of
// the id sorts first, the same on every machine and in every run, independent of file order.
import crypto from 'node:crypto';

export interface TimeSplit<T> {
  /** Everything created at or after this moment is held out. */
  cutoff: Date;
  /** Rows created before the cut (the only ones the training database gets). */
  train: T[];
  /** Rows created at or after the cut; the labelled ones are scored. */
  holdout: T[];
}

/**
 * Holds out the latest `fraction` of the labelled rows by creation time. The cut is the creation
 * time of the earliest held-out labelled row, so rows created on the same instant are never split.
 */
export function timeSplit<T>(rows: T[], createdAt: (r: T) => number, labelled: (r: T) => boolean, fraction: number): TimeSplit<T> {
  const times = rows
    .filter(labelled)
    .map(createdAt)
    .sort((a, b) => a - b);
  if (times.length < 10) throw new Error(`only ${times.length} labelled rows: too few to hold any out`);
  const cut = times[Math.min(times.length - 1, Math.floor(times.length * (1 - fraction)))];
  return {
    cutoff: new Date(cut),
    train: rows.filter((r) => createdAt(r) < cut),
    holdout: rows.filter((r) => createdAt(r) >= cut),
  };
}

export interface IdSplit<T> {
  train: T[];
  holdout: T[];
}

const rank = (id: string) => crypto.createHash('sha256').update(id).digest('hex');

/** Holds out round(fraction * n) rows: those whose SHA-256(id) is smallest. */
export function idSplit<T>(rows: T[], id: (r: T) => string, fraction: number): IdSplit<T> {
  const ranked = rows.map((r) => ({ r, k: rank(id(r)) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const n = Math.round(rows.length * fraction);
  return { holdout: ranked.slice(0, n).map((x) => x.r), train: ranked.slice(n).map((x) => x.r) };
}

/** Every k-th row in a fixed order (quick runs score a subsample of the hold-out; k = 1 keeps all). */
export function everyKth<T>(rows: T[], k: number): T[] {
  return k <= 1 ? rows : rows.filter((_, i) => i % k === 0);
}
