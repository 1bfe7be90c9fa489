// The one header every saved model part carries (classifiers, calibrators, encoders, baselines,
// BG/NBD, Gamma-Gamma and the composite win / churn / clv models): `kind` names what it is
// ("salescast.<thing>"), `formatVersion` the layout of the rest. Loading checks both and refuses
// anything else with SCHEMA_MISMATCH, the error the registry, `npm start` (which retrains) and the
// HTTP API (422) already handle for artifacts written by another version of Salescast.
import { AppError } from '../errors';

export interface ArtifactHeader<K extends string = string> {
  kind: K;
  formatVersion: number;
}

/** Throws SCHEMA_MISMATCH unless `artifact` carries exactly this kind and format version. */
export function checkArtifact(artifact: unknown, kind: string, formatVersion: number): void {
  const a = artifact as { kind?: unknown; format?: unknown; formatVersion?: unknown } | null | undefined;
  if (!a || typeof a !== 'object') throw new AppError('SCHEMA_MISMATCH', `not a ${kind} artifact (got ${a === null ? 'null' : typeof a})`);
  // Artifacts of earlier versions named the header field `format`, or used dashes in the kind.
  const found = typeof a.kind === 'string' ? a.kind : typeof a.format === 'string' ? a.format : undefined;
  if (found !== kind || a.formatVersion !== formatVersion)
    throw new AppError(
      'SCHEMA_MISMATCH',
      `the artifact is ${found ?? 'of an unknown kind'} format v${String(a.formatVersion)}; this build reads ${kind} format v${formatVersion} (retrain the model)`,
    );
}
