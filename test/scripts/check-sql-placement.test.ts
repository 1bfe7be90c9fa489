// The SQL placement check (npm run check:sql) finds SQL text in literals outside src/db/ and
// src/generated/, whatever the case or layout, and leaves comments, prose and the SQL homes alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALLOWED_OUTSIDE_DB, findSqlOutsideDb, sqlInSource } from '../../scripts/check-sql-placement';

const ROOT = path.resolve(__dirname, '..', '..');

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-sql-check-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('the SQL placement check', () => {
  test('src/ holds no SQL outside src/db/, and no file is exempt', () => {
    expect(findSqlOutsideDb(ROOT)).toEqual([]);
    expect(ALLOWED_OUTSIDE_DB).toEqual({});
  });

  test('a query planted in a route, a service or ml is found with its file and line', () => {
    const root = tree({
      'src/http/routes/planted.ts': "export const q = (db: any) => db.sql.all('SELECT id FROM account WHERE external_id = ?', ['x']);\n",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the planted file's source holds a template literal
      'src/services/planted.ts': 'const t = "x";\nexport const s = `UPDATE ${t} SET name = ? WHERE id = ?`;\n',
      'src/ml/planted.ts': "export const d = 'delete from model_version where id = ?';\n",
      'src/services/ddl.ts':
        "export const c = 'CREATE UNIQUE INDEX i ON account (name)';\nexport const i = `INSERT INTO rep (name) VALUES (?)`;\n",
    });
    const found = findSqlOutsideDb(root, {});
    expect(found.map((f) => `${f.file}:${f.line} ${f.pattern}`).sort()).toEqual([
      'src/http/routes/planted.ts:1 SELECT ... FROM',
      'src/ml/planted.ts:1 DELETE FROM',
      'src/services/ddl.ts:1 CREATE/ALTER',
      'src/services/ddl.ts:2 INSERT INTO',
      'src/services/planted.ts:2 UPDATE ... SET',
    ]);
  });

  test('src/db/, src/generated/ and allowed files may hold SQL; comments and prose are not SQL', () => {
    const root = tree({
      'src/db/repositories/x.ts': "export const q = 'SELECT 1 AS ok FROM account';\n",
      'src/generated/client.ts': "export const q = 'INSERT INTO account DEFAULT VALUES';\n",
      'src/services/allowed.ts': "export const q = 'SELECT id FROM opportunity';\n",
      'src/services/prose.ts': "// SELECT id FROM account is how it used to be done\nexport const help = 'choose a model to promote';\n",
    });
    expect(findSqlOutsideDb(root, { 'src/services/allowed.ts': 'test' })).toEqual([]);
    expect(sqlInSource('x.ts', "const m = 'Select the rows you want from the list';")).toHaveLength(1); // prose can look like SQL: reword it
  });
});
