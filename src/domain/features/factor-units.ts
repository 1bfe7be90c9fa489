// Explanation units shared by the deal and churn explanations. Correlated features are explained
// together as one unit, with one summed effect, so factors never contradict each other (a count
// over 90 days pushing up while the same activity over 30 days pushes down). Features the caller
// did not provide are never cited as evidence: a unit whose features are all NOT_PROVIDED is left
// out of the ranking and named once in a note with no effect.
import { isNotProvided, type FeatureRow, type FeatureValue } from './feature-row';

export interface FactorUnit {
  /** The unit's name: its feature's name, or the group's name for a group of features. */
  name: string;
  features: string[];
}

/** The explanation units of a model's features: each group (its features present), then every other feature alone. */
export function factorUnits(features: readonly string[], groups: Record<string, readonly string[]>): FactorUnit[] {
  const present = new Set(features);
  const grouped = new Set<string>();
  const units: FactorUnit[] = [];
  for (const [name, members] of Object.entries(groups)) {
    const inModel = members.filter((f) => present.has(f));
    if (inModel.length === 0) continue;
    for (const f of inModel) grouped.add(f);
    units.push({ name: inModel.length === 1 ? inModel[0] : name, features: inModel });
  }
  for (const f of features) if (!grouped.has(f)) units.push({ name: f, features: [f] });
  return units;
}

/** The encoded columns of each unit, from the encoder's columns per feature (for contributions()). */
export function unitColumns(units: readonly FactorUnit[], columnsOf: (feature: string) => readonly number[]): number[][] {
  return units.map((u) => u.features.flatMap((f) => [...columnsOf(f)]));
}

/** Whether the caller provided nothing of this unit. */
export function unitNotProvided(unit: FactorUnit, row: FeatureRow | Record<string, unknown>): boolean {
  // A loop rather than every(): this runs for every unit of every deal scored.
  const features = unit.features;
  for (let i = 0; i < features.length; i++) if (!isNotProvided(row[features[i]])) return false;
  return true;
}

/** The value a unit shows: its first provided feature's value, rounded to 2 decimals; null when none. */
export function unitValue(unit: FactorUnit, row: FeatureRow | Record<string, unknown>): Exclude<FeatureValue, symbol> {
  for (const f of unit.features) {
    const v = row[f];
    if (v === undefined || isNotProvided(v)) continue;
    if (typeof v === 'number') return Number.isInteger(v) ? v : Math.round(v * 100) / 100;
    return v as Exclude<FeatureValue, symbol>;
  }
  return null;
}

/** "Not provided …: activities, owner and account": the units not provided, named for people once each. */
export function notProvidedNote(units: readonly FactorUnit[], labelOf: (unit: FactorUnit) => string, what: string): string | null {
  if (units.length === 0) return null;
  const names = [...new Set(units.map(labelOf))];
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `Not provided, so counted as for a typical ${what}: ${list}`;
}
