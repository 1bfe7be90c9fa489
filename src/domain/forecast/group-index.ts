// Group keys of a simulation's breakdowns as dense indices per dimension, and which dimensions
// are functions of another one (team and region of a rep): those are summed from the finer
// dimension's per-simulation totals after the run instead of being accumulated per draw.
/** Anything simulated with group keys (a deal's outlook, an amount already won). */
interface Grouped {
  groups?: Record<string, string>;
}

export interface GroupIndex {
  keysOf: string[][];
  dealGroups: number[][];
  fixedGroups: number[][];
  /** Groups per dimension. */
  G: number[];
  /** A dimension that is a function of another one (team and region of a rep) is summed from it. */
  parentOf: number[];
  parentMap: Int32Array[];
  /** Dimensions accumulated per draw. */
  direct: number[];
}

/** Group keys → dense indices per dimension, and which dimensions are functions of another. */
export function indexGroups(deals: readonly Grouped[], fixed: readonly Grouped[], dims: readonly string[]): GroupIndex {
  const keyIndex = dims.map(() => new Map<string, number>());
  const keysOf = dims.map(() => [] as string[]);
  const indexFor = (d: number, key: string) => {
    let i = keyIndex[d].get(key);
    if (i === undefined) {
      i = keysOf[d].length;
      keyIndex[d].set(key, i);
      keysOf[d].push(key);
    }
    return i;
  };
  const groupKey = (g: Record<string, string> | undefined, dim: string) => g?.[dim] ?? '(none)';
  const dealGroups = deals.map((deal) => dims.map((dim, d) => indexFor(d, groupKey(deal.groups, dim))));
  const fixedGroups = fixed.map((f) => dims.map((dim, d) => indexFor(d, groupKey(f.groups, dim))));
  // Dimensions functionally determined by another one (team and region by rep, typically) are not
  // accumulated per draw: their per-simulation totals are sums of the finer dimension's totals.
  const G = dims.map((_, d) => keysOf[d].length);
  const parentOf: number[] = dims.map(() => -1);
  const parentMap: Int32Array[] = dims.map(() => new Int32Array(0));
  for (let d = 0; d < dims.length; d++) {
    for (let e = 0; e < dims.length && parentOf[d] < 0; e++) {
      if (e === d || parentOf[e] >= 0 || G[e] < G[d]) continue;
      const map = new Int32Array(G[e]).fill(-1);
      let functional = true;
      const check = (ge: number, gd: number) => {
        if (map[ge] === -1) map[ge] = gd;
        else if (map[ge] !== gd) functional = false;
      };
      for (let i = 0; i < deals.length && functional; i++) check(dealGroups[i][e], dealGroups[i][d]);
      for (let i = 0; i < fixed.length && functional; i++) check(fixedGroups[i][e], fixedGroups[i][d]);
      if (functional && (G[e] > G[d] || e < d)) {
        parentOf[d] = e;
        parentMap[d] = map;
      }
    }
  }
  const direct = dims.map((_, d) => d).filter((d) => parentOf[d] < 0);
  return { keysOf, dealGroups, fixedGroups, G, parentOf, parentMap, direct };
}
