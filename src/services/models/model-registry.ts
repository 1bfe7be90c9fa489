// The model registry of a database and an artifact store: src/ml/registry.ts (statuses, promotion
// rules) over the model_version rows of src/db/repositories/model-versions.ts, with its artifacts
// in folders under the models directory or in model_artifact rows (src/ml/artifact-store.ts).
// Everything that needs a registry opens it here, so src/ml never imports database code.
import { loadConfig } from '../../config';
import type { Database } from '../../db/database';
import { modelArtifactRows } from '../../db/repositories/model-artifacts';
import { modelVersionStore } from '../../db/repositories/model-versions';
import { type ArtifactStoreKind, DatabaseArtifactStore, RoutedArtifactStore } from '../../ml/artifact-store';
import { FolderArtifactStore } from '../../ml/folder-artifact-store';
import { ModelRegistry } from '../../ml/registry';

export { ActiveModels, ModelRegistry, type ModelVersionInfo, type RegisterInput } from '../../ml/registry';
export type { ArtifactStoreKind } from '../../ml/artifact-store';

/**
 * Where new artifacts of this database go: SALESCAST_MODEL_STORE, where `auto` (the default) means
 * the database on PostgreSQL (API replicas and workers on several hosts share it, with no shared
 * file system) and folders on SQLite (one machine).
 */
export function modelStoreKind(db: Pick<Database, 'dialect'>, setting = loadConfig().SALESCAST_MODEL_STORE): ArtifactStoreKind {
  if (setting === 'folder' || setting === 'database') return setting;
  return db.dialect === 'postgresql' ? 'database' : 'folder';
}

/**
 * The registry of `db`: new artifacts go to the store `modelStoreKind` names (or `store`), and every
 * version is read from the store that wrote it (a database switched from folders keeps serving its
 * older versions from SALESCAST_MODELS_DIR).
 */
export function openModelRegistry(db: Database, modelsDir: string, store: ArtifactStoreKind = modelStoreKind(db)): ModelRegistry {
  const folder = new FolderArtifactStore(modelsDir);
  const database = new DatabaseArtifactStore(modelArtifactRows(db.sql));
  const artifacts = new RoutedArtifactStore(store === 'database' ? database : folder, folder, database);
  return new ModelRegistry(modelVersionStore(db.sql), modelsDir, artifacts);
}
