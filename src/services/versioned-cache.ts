// Answers of pure computations over the stored data, kept for repeated identical requests: the key
// is the request's parameters, and an entry is served only under the data version it was computed
// from (src/services/data-version.ts), so a change by any process makes every older entry
// unreachable. Identical requests that arrive while the first is being computed wait for that one
// computation ("single flight") instead of each starting its own. Entries can also age out
// (answers "as of now" drift with the clock), and the least recently used go first when full.

export interface CacheOptions {
  /** Entries kept at most; 0 turns the cache off. */
  entries: number;
  /** Age after which an entry is recomputed (per call, it can be Infinity). */
  maxAgeMs: number;
  now?: () => number;
}

interface Entry<T> {
  version: number;
  at: number;
  value: Promise<T>;
  settled: boolean;
}

export type CacheOutcome = 'hit' | 'miss' | 'shared' | 'off';

export class VersionedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly now: () => number;
  private version: number | null = null;
  hits = 0;
  misses = 0;

  constructor(private readonly opts: CacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size() {
    return this.entries.size;
  }

  /**
   * The answer for `key` under data `version`: from the cache when an entry of that version is
   * young enough (or being computed), else from `compute` (whose failure is not kept). A null
   * version (unknown) always computes.
   */
  async get(
    key: string,
    version: number | null,
    compute: () => Promise<T>,
    opts: { maxAgeMs?: number } = {},
  ): Promise<{ value: T; outcome: CacheOutcome }> {
    if (version === null || this.opts.entries <= 0) return { value: await compute(), outcome: 'off' };
    if (this.version !== version) this.dropOtherVersions(version);
    const maxAge = opts.maxAgeMs ?? this.opts.maxAgeMs;
    const hit = this.entries.get(key);
    if (hit && hit.version === version && this.now() - hit.at <= maxAge) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      this.hits++;
      const outcome = hit.settled ? 'hit' : 'shared';
      return { value: await hit.value, outcome };
    }
    this.misses++;
    const entry: Entry<T> = { version, at: this.now(), value: compute(), settled: false };
    this.entries.delete(key);
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.settled = true;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.opts.entries) this.entries.delete(this.entries.keys().next().value as string);
    return { value: await entry.value, outcome: 'miss' };
  }

  /** A new version makes every entry of another version unreachable: free them now. */
  private dropOtherVersions(version: number) {
    // Versions only grow, but a stale reader (a replica, a request that read the version before
    // the change) may still ask for the older one: keep entries of the newest version seen.
    if (this.version !== null && version < this.version) return;
    this.version = version;
    for (const [k, e] of this.entries) if (e.version !== version) this.entries.delete(k);
  }
}
