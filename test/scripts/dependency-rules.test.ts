// The layer rules (.dependency-cruiser.js; `npm run check:deps` checks src/ with them before jest
// in `npm test`) fail on planted violations: a route importing SQL code, the domain importing a
// repository, ml importing the database, a cycle. Each violation names its rule.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.js');

function cruise(cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'err'], { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-deps-'));
  fs.writeFileSync(
    path.join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'commonjs', target: 'ES2022', strict: true } }),
  );
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('the dependency rules', () => {
  test('planted violations fail the check, each naming its rule', () => {
    const root = tree({
      'src/db/sql.ts': 'export const runner = 1;\n',
      'src/db/database.ts': 'export interface Database { url: string }\nexport const open = () => 1;\n',
      'src/db/repositories/accounts.ts': "import { runner } from '../sql';\nexport const accountIds = () => runner;\n",
      // A route running SQL code, and one opening the database instead of naming its type.
      'src/http/routes/deals.ts': "import { runner } from '../../db/sql';\nexport const r = runner;\n",
      'src/http/context.ts': "import { open, type Database } from '../db/database';\nexport const c = (db: Database) => [db, open];\n",
      'src/domain/features.ts': "import { accountIds } from '../db/repositories/accounts';\nexport const f = accountIds;\n",
      'src/ml/registry.ts': "import { runner } from '../db/sql';\nexport const g = runner;\n",
      'src/math/random.ts': "import { accountIds } from '../db/repositories/accounts';\nexport const m = accountIds;\n",
      'src/services/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/services/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      // Allowed: a service using a repository, a route naming the Database type.
      'src/services/ok.ts': "import { accountIds } from '../db/repositories/accounts';\nexport const ok = accountIds;\n",
      'src/http/ok.ts': "import type { Database } from '../db/database';\nexport type Ok = Database;\n",
    });
    const r = cruise(root);
    expect(r.status).not.toBe(0);
    const lines = r.out.split('\n').filter((l) => /^\s*error /.test(l));
    const rules = lines.map((l) => l.trim().split(/\s+/)[1].replace(/:$/, '')).sort();
    expect(rules).toEqual([
      'domain-is-pure',
      'http-db-handle-type-only',
      'http-through-services',
      'math-is-a-leaf',
      'ml-is-a-library',
      'no-cycles',
    ]);
    expect(r.out).toContain('src/http/routes/deals.ts → src/db/sql.ts');
    expect(r.out).toContain('src/domain/features.ts → src/db/repositories/accounts.ts');
    expect(r.out).not.toContain('src/services/ok.ts');
    expect(r.out).not.toContain('src/http/ok.ts');
  });
});
