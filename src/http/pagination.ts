// Limit/offset pages with a total and the next offset, the same shape on every list endpoint.
export function page<T>(all: T[], limit: number, offset: number) {
  const items = all.slice(offset, offset + limit);
  return {
    items,
    page: { limit, offset, total: all.length, nextOffset: offset + items.length < all.length ? offset + items.length : null },
  };
}

export function pageOf<T>(items: T[], total: number, limit: number, offset: number) {
  return { items, page: { limit, offset, total, nextOffset: offset + items.length < total ? offset + items.length : null } };
}

/** Sorts by `field` or `-field` (descending); nulls last either way. */
export function sortBy<T>(
  rows: T[],
  sort: string,
  get: (row: T, field: string) => unknown = (r, f) => (r as Record<string, unknown>)[f],
): T[] {
  const desc = sort.startsWith('-');
  const field = desc ? sort.slice(1) : sort;
  return [...rows].sort((a, b) => {
    const x = get(a, field);
    const y = get(b, field);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    const c =
      x instanceof Date && y instanceof Date
        ? x.getTime() - y.getTime()
        : typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x).localeCompare(String(y));
    return desc ? -c : c;
  });
}
