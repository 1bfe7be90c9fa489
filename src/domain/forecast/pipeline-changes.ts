// Pipeline changes between two snapshots as a waterfall. The pipeline measured is the open deals
// expected to close in the reference period [start, end) (the earlier snapshot's period):
//   start + new + pulled in − pushed out − won − lost ± amount changes = end
// Each deal lands in exactly one bucket, so the waterfall always adds up:
//   new        — in the later pipeline, not in the earlier snapshot at all
//   pulled in  — open in both, expected close moved into the period (counted at its later amount)
//   pushed out — in the earlier pipeline, still open but expected close moved out of the period
//   won / lost — in the earlier pipeline, closed since (lost includes deals removed from the CRM)
//   amount     — in both pipelines, amount changed (later − earlier)

export interface SnapshotDeal {
  opportunityId: number;
  outcome: string;
  amount: number;
  expectedCloseAt: number | null;
  stage: string;
}

export type ChangeKind = 'new' | 'pulled_in' | 'pushed_out' | 'won' | 'lost' | 'amount_change';

export interface DealChange {
  opportunityId: number;
  kind: ChangeKind;
  /** Signed effect on the pipeline. */
  delta: number;
  from: SnapshotDeal | null;
  to: SnapshotDeal | null;
}

export interface Waterfall {
  start: number;
  end: number;
  steps: { kind: ChangeKind; deals: number; amount: number }[];
  changes: DealChange[];
}

export function pipelineWaterfall(
  from: readonly SnapshotDeal[],
  to: readonly SnapshotDeal[],
  window: { start: number; end: number },
  resolveMissing: (id: number) => 'won' | 'lost' = () => 'lost',
): Waterfall {
  const inWindow = (d: SnapshotDeal | null | undefined) =>
    !!d && d.outcome === 'open' && d.expectedCloseAt !== null && d.expectedCloseAt >= window.start && d.expectedCloseAt < window.end;
  const a = new Map(from.map((d) => [d.opportunityId, d]));
  const b = new Map(to.map((d) => [d.opportunityId, d]));
  const changes: DealChange[] = [];
  let start = 0;
  let end = 0;
  for (const d of from) if (inWindow(d)) start += d.amount;
  for (const d of to) if (inWindow(d)) end += d.amount;
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  for (const id of ids) {
    const f = a.get(id) ?? null;
    const t = b.get(id) ?? null;
    const fin = inWindow(f);
    const tin = inWindow(t);
    if (!f) {
      if (tin) changes.push({ opportunityId: id, kind: 'new', delta: t!.amount, from: f, to: t });
      continue;
    }
    if (fin) {
      const closedAs = !t ? resolveMissing(id) : t.outcome === 'won' ? 'won' : t.outcome === 'lost' ? 'lost' : null;
      if (closedAs) changes.push({ opportunityId: id, kind: closedAs, delta: -f.amount, from: f, to: t });
      else if (!tin) changes.push({ opportunityId: id, kind: 'pushed_out', delta: -f.amount, from: f, to: t });
      else if (t!.amount !== f.amount)
        changes.push({ opportunityId: id, kind: 'amount_change', delta: t!.amount - f.amount, from: f, to: t });
    } else if (tin) {
      changes.push({ opportunityId: id, kind: 'pulled_in', delta: t!.amount, from: f, to: t });
    }
  }
  const kinds: ChangeKind[] = ['new', 'pulled_in', 'pushed_out', 'won', 'lost', 'amount_change'];
  const steps = kinds.map((kind) => {
    const cs = changes.filter((c) => c.kind === kind);
    return { kind, deals: cs.length, amount: cs.reduce((s, c) => s + c.delta, 0) };
  });
  return { start, end, steps, changes };
}
