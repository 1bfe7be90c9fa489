// The dashboard's modules are type-checked (npm run typecheck) against src/dashboard/openapi.d.ts,
// generated from the route contracts. A contract change that is not regenerated would leave the
// dashboard checked against the old API: this fails until `npm run dashboard:types` is run.
// The generator runs in its own process: openapi-typescript pulls in ESM-only packages that Jest's
// module system cannot load.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const generate = (...args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'dashboard-types.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: 'pipe',
  });

test('src/dashboard/openapi.d.ts is generated from the current contracts (else: npm run dashboard:types)', () => {
  try {
    generate('--check');
  } catch (e) {
    throw new Error(String((e as { stderr?: string }).stderr || e));
  }
});

test('the check fails on a stale file, naming the command that regenerates it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-types-'));
  const stale = path.join(dir, 'openapi.d.ts');
  fs.writeFileSync(
    stale,
    fs.readFileSync(path.join(ROOT, 'src', 'dashboard', 'openapi.d.ts'), 'utf8').replace('winProbability', 'winChance'),
  );
  try {
    expect(() => generate('--check', '--out', stale)).toThrow(/stale: run npm run dashboard:types/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
