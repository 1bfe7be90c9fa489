// Load checks run before a model version is made active (promote, rollback), shared by the CLI
// and the HTTP API: an artifact whose feature schema does not match the code is refused with
// SCHEMA_MISMATCH and the previous version keeps serving.
import { ChurnScorer, type ChurnModelArtifact } from '../customers/churn-scorer';
import { ClvScorer, type ClvModelArtifact } from '../customers/clv-scorer';
import { WinScorer, type WinModelArtifact } from '../win/win-scorer';

export const ARTIFACT_VALIDATORS: Record<string, (artifact: unknown) => void> = {
  win: (artifact) => void new WinScorer(artifact as WinModelArtifact),
  churn: (artifact) => void new ChurnScorer(artifact as ChurnModelArtifact),
  clv: (artifact) => void new ClvScorer(artifact as ClvModelArtifact),
};
