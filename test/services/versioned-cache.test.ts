// The cache of answers keyed by the data version: served only under the version it was computed
// from, shared by identical requests in flight, aged out, bounded.
import { VersionedCache } from '../../src/services/versioned-cache';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe('VersionedCache', () => {
  test('a repeat under the same version is a hit; a new version recomputes and frees the old entries', async () => {
    const cache = new VersionedCache<number>({ entries: 10, maxAgeMs: 60_000 });
    let runs = 0;
    const compute = async () => ++runs;
    expect(await cache.get('k', 1, compute)).toEqual({ value: 1, outcome: 'miss' });
    expect(await cache.get('k', 1, compute)).toEqual({ value: 1, outcome: 'hit' });
    expect(await cache.get('other', 1, compute)).toEqual({ value: 2, outcome: 'miss' });
    expect(await cache.get('k', 2, compute)).toEqual({ value: 3, outcome: 'miss' });
    expect(cache.size).toBe(1);
    expect(await cache.get('k', 2, compute)).toEqual({ value: 3, outcome: 'hit' });
  });

  test('identical requests in flight share one computation', async () => {
    const cache = new VersionedCache<string>({ entries: 10, maxAgeMs: 60_000 });
    const d = deferred<string>();
    let runs = 0;
    const compute = () => {
      runs++;
      return d.promise;
    };
    const a = cache.get('k', 7, compute);
    const b = cache.get('k', 7, compute);
    d.resolve('answer');
    expect(await a).toEqual({ value: 'answer', outcome: 'miss' });
    expect(await b).toEqual({ value: 'answer', outcome: 'shared' });
    expect(runs).toBe(1);
  });

  test('a failure is not kept', async () => {
    const cache = new VersionedCache<number>({ entries: 10, maxAgeMs: 60_000 });
    await expect(cache.get('k', 1, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('k', 1, async () => 5)).toEqual({ value: 5, outcome: 'miss' });
  });

  test('entries age out by the age limit (per call), and the least recently used go first when full', async () => {
    let now = 0;
    const cache = new VersionedCache<string>({ entries: 2, maxAgeMs: 1000, now: () => now });
    await cache.get('a', 1, async () => 'a1');
    now = 1500;
    expect((await cache.get('a', 1, async () => 'a2')).outcome).toBe('miss');
    expect((await cache.get('a', 1, async () => 'a3', { maxAgeMs: Number.POSITIVE_INFINITY })).value).toBe('a2');
    await cache.get('b', 1, async () => 'b');
    await cache.get('a', 1, async () => 'x'); // a is now the most recently used
    await cache.get('c', 1, async () => 'c'); // evicts b
    expect((await cache.get('b', 1, async () => 'b2')).outcome).toBe('miss');
  });

  test('an unknown version (an unmigrated database) or a zero size computes every time', async () => {
    let runs = 0;
    const compute = async () => ++runs;
    const cache = new VersionedCache<number>({ entries: 10, maxAgeMs: 60_000 });
    expect(await cache.get('k', null, compute)).toEqual({ value: 1, outcome: 'off' });
    expect(await cache.get('k', null, compute)).toEqual({ value: 2, outcome: 'off' });
    const off = new VersionedCache<number>({ entries: 0, maxAgeMs: 60_000 });
    expect((await off.get('k', 1, compute)).outcome).toBe('off');
  });
});
