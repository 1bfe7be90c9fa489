// Entity kinds as named on the CLI and in the API (`salescast import <kind> <file>`). A leaf module
// (no imports): the CLI describes its import command without loading the record schemas.
export const ENTITY_KINDS = [
  'campaigns',
  'accounts',
  'products',
  'reps',
  'opportunities',
  'stage-changes',
  'activities',
  'orders',
  'service-costs',
  'campaign-targets',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];
