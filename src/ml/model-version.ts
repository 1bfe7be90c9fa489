// One version of a model as the registry describes it (src/ml/registry.ts keeps the rules; the
// artifact stores read by it). Its own file so the registry and its stores share it without a cycle.
export type ModelStatus = 'candidate' | 'active' | 'retired';

export interface ModelVersionInfo {
  id: number;
  name: string;
  version: number;
  algorithm: string;
  status: ModelStatus;
  metrics: Record<string, unknown> | null;
  featureSchema: Record<string, unknown> | null;
  artifactPath: string;
  trainedAt: Date;
  dataFrom: Date | null;
  dataTo: Date | null;
  promotedAt: Date | null;
  retiredAt: Date | null;
  notes: string | null;
  /** sha-256 of the artifact's bytes (null for versions registered before it was recorded). */
  artifactSha256: string | null;
}
