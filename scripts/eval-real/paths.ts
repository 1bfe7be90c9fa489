// Where the real-data evaluation finds the repository, the example mappings and the public datasets.
// The datasets are not part of the repository: they live in ../shared/data next to it (the same place
// examples/*/import.sh look), or wherever SALESCAST_REAL_DATA_DIR points (relative paths are taken
// from the repository root).
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLES = path.join(ROOT, 'examples');

export function realDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(ROOT, env.SALESCAST_REAL_DATA_DIR || path.join('..', 'shared', 'data'));
}

/** The dataset's folder when its files are there, else null (the caller says what is missing). */
export function datasetDir(folder: string, files: string[], env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = path.join(realDataDir(env), folder);
  return files.every((f) => fs.existsSync(path.join(dir, f))) ? dir : null;
}
