// The public datasets some tests read. They are not in the repository: they live in ../shared/data
// beside it, or wherever SALESCAST_REAL_DATA_DIR points (relative to the repository root), the
// same place `npm run eval:real` looks. Without them the tests that need them are skipped with a
// warning, unless SALESCAST_REQUIRE_REAL_DATA=1 (set by .ci/run) turns that into a failing test.
import fs from 'node:fs';
import path from 'node:path';
import { realDataDir } from '../../scripts/eval-real/paths';

/** Absolute path of a file under the datasets folder, e.g. realDataPath('cdnow', 'CDNOW_sample.txt'). */
export function realDataPath(...parts: string[]): string {
  return path.join(realDataDir(), ...parts);
}

/**
 * `describe` when every file (paths under the datasets folder) is present, else `describe.skip`
 * with a warning, or a failing test when SALESCAST_REQUIRE_REAL_DATA=1.
 */
export function describeWithData(files: string[][], name: string, fn: () => void): void {
  const missing = files.map((f) => realDataPath(...f)).filter((f) => !fs.existsSync(f));
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  if (process.env.SALESCAST_REQUIRE_REAL_DATA === '1') {
    test(`${name}: the datasets are present`, () => expect(missing).toEqual([]));
    return;
  }
  console.warn(`${name}: skipped, ${missing.join(', ')} not found (SALESCAST_REAL_DATA_DIR)`);
  describe.skip(name, fn);
}
