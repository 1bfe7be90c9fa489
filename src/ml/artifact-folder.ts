// Reading a model version folder (`<modelsDir>/<name>/v<N>/`) and proving it whole before anything
// loads it: meta.json present and parseable, the artifact present and matching the sha-256 that
// meta.json recorded when it was written (plus any further file meta.json lists under `files`).
// A folder that fails any check is refused with ARTIFACT_INVALID (422 over HTTP, exit 7 in the CLI)
// and a reason an operator can act on, never a bare "Unexpected end of JSON input" 500.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';

export const ARTIFACT_FILE = 'artifact.json';
export const META_FILE = 'meta.json';

export interface VersionMeta extends Record<string, unknown> {
  artifactSha256?: string;
  /** Further files of the version (e.g. weights), by name relative to the folder, with their sha-256. */
  files?: Record<string, string>;
}

const invalid = (label: string, problem: string, file?: string) =>
  new AppError('ARTIFACT_INVALID', `the model folder of ${label} is unusable: ${problem}`, [
    { ...(file ? { path: [file] } : {}), problem },
  ]);

function readFile(dir: string, name: string, label: string, what: string): Buffer {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw invalid(label, `${name} is missing (${what}; expected at ${file})`, name);
    throw invalid(label, `${name} cannot be read (${code ?? (e as Error).message})`, name);
  }
}

function parseJson(body: Buffer, name: string, label: string): unknown {
  if (body.length === 0) throw invalid(label, `${name} is empty`, name);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw invalid(label, `${name} is not valid JSON, truncated or corrupt (${(e as Error).message})`, name);
  }
}

const sha256 = (body: Buffer) => crypto.createHash('sha256').update(body).digest('hex');

/** meta.json of a version folder, checked to be a JSON object. */
export function readVersionMeta(dir: string, label: string): VersionMeta {
  if (!fs.existsSync(dir)) throw invalid(label, `the folder ${dir} does not exist`);
  const meta = parseJson(readFile(dir, META_FILE, label, 'every version folder has one, written with its checksum'), META_FILE, label);
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
    throw invalid(label, `${META_FILE} is not a JSON object`, META_FILE);
  return meta as VersionMeta;
}

/**
 * The artifact of a version folder, after checking every file against the checksums in meta.json.
 * Whatever is wrong is refused before the artifact is parsed, so a loader never sees half a model.
 */
export function readVersionArtifact(dir: string, label: string): unknown {
  const meta = readVersionMeta(dir, label);
  if (typeof meta.artifactSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(meta.artifactSha256))
    throw invalid(label, `${META_FILE} has no artifactSha256 checksum to verify ${ARTIFACT_FILE} against`, META_FILE);
  const body = readFile(dir, ARTIFACT_FILE, label, 'the model itself');
  if (sha256(body) !== meta.artifactSha256)
    throw invalid(
      label,
      `${ARTIFACT_FILE} does not match the checksum in ${META_FILE} (${body.length} bytes; truncated or modified after training)`,
      ARTIFACT_FILE,
    );
  for (const [name, expected] of Object.entries(meta.files ?? {})) {
    // Listed names stay inside the folder.
    if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..'))
      throw invalid(label, `${META_FILE} lists a file outside the folder: ${name}`, META_FILE);
    const other = readFile(dir, name, label, `listed in ${META_FILE}`);
    if (sha256(other) !== expected)
      throw invalid(label, `${name} does not match its checksum in ${META_FILE} (${other.length} bytes; truncated or modified)`, name);
  }
  return parseJson(body, ARTIFACT_FILE, label);
}

/**
 * Runs a loader's check on an artifact: an AppError (e.g. SCHEMA_MISMATCH) passes through, anything
 * else (a TypeError from an artifact of the wrong shape) becomes ARTIFACT_INVALID with its message.
 */
export async function checkLoadable<T>(label: string, load: () => T | Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw invalid(label, `it cannot be loaded (${e instanceof Error ? e.message : String(e)})`);
  }
}
