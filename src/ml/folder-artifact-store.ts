// The folder artifact store (the default on SQLite): `<modelsDir>/<name>/v<N>/` holds artifact.json
// and meta.json (with the sha-256 of the artifact). A version is written under a temporary name and
// renamed into place, so a reader never sees half a version; its folder is never written again.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import type { ArtifactStore, StagedArtifact } from './artifact-store';
import { ARTIFACT_FILE, META_FILE, readVersionArtifact, readVersionMeta } from './artifact-folder';
import type { ModelVersionInfo } from './model-version';

export class FolderArtifactStore implements ArtifactStore {
  readonly kind = 'folder' as const;

  constructor(readonly modelsDir: string) {}

  async stage(name: string, body: string): Promise<StagedArtifact> {
    const dir = path.resolve(this.modelsDir, name);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(dir, '.tmp-v-'));
    fs.writeFileSync(path.join(tmp, ARTIFACT_FILE), body);
    return {
      place: (first, meta) => {
        let version = first;
        // A folder left by a crashed run without a row must not be reused.
        while (fs.existsSync(path.join(dir, `v${version}`))) version++;
        fs.writeFileSync(path.join(tmp, META_FILE), JSON.stringify(meta(version), null, 2));
        const target = path.join(dir, `v${version}`);
        fs.renameSync(tmp, target);
        return { version, artifactPath: path.relative(path.resolve(this.modelsDir), target), rowMeta: null };
      },
      discard: () => {
        if (fs.existsSync(tmp)) fs.rmSync(tmp, { recursive: true, force: true });
      },
    };
  }

  private dirOf(info: ModelVersionInfo): string {
    return path.resolve(this.modelsDir, info.artifactPath);
  }

  /**
   * The artifact after the folder checks of artifact-folder.ts (meta.json, every checksum), and
   * against the sha-256 the version row recorded when there is one (a folder swapped for another
   * version's whole folder would pass its own meta.json).
   */
  async read(info: ModelVersionInfo): Promise<unknown> {
    const label = `${info.name} v${info.version}`;
    const dir = this.dirOf(info);
    const artifact = readVersionArtifact(dir, label);
    const recorded = readVersionMeta(dir, label).artifactSha256;
    if (info.artifactSha256 && recorded !== info.artifactSha256)
      throw new AppError('ARTIFACT_INVALID', `the model folder of ${label} is unusable: it is not the artifact its version row recorded`, [
        { path: [META_FILE], problem: `artifactSha256 ${recorded} differs from the registry's ${info.artifactSha256}` },
      ]);
    return artifact;
  }

  async readMeta(info: ModelVersionInfo): Promise<Record<string, unknown>> {
    return readVersionMeta(this.dirOf(info), `${info.name} v${info.version}`);
  }
}
