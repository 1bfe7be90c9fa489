// The model registry of a database and an artifact store: src/ml/registry.ts (folders, statuses,
// promotion rules) over the model_version rows of src/db/repositories/model-versions.ts. Everything
// that needs a registry opens it here, so src/ml never imports database code.
import type { Database } from '../../db/database';
import { modelVersionStore } from '../../db/repositories/model-versions';
import { ModelRegistry } from '../../ml/registry';

export { ActiveModels, ModelRegistry, type ModelVersionInfo, type RegisterInput } from '../../ml/registry';

export function openModelRegistry(db: Database, modelsDir: string): ModelRegistry {
  return new ModelRegistry(modelVersionStore(db.sql), modelsDir);
}
