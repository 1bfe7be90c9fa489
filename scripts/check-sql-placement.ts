// `npm run check:sql` (part of `npm test`): fails when SQL text appears in src/ outside src/db/
// (the data-access layer) and src/generated/ (Prisma's generated clients). SQL lives in one place
// so that "what touches table X" has one answer and every value can be checked to be a bound
// parameter (docs/development.md, "Where SQL lives").
//
// Only string and template literals are read (comments may mention SQL), through the TypeScript
// parser. A literal counts as SQL when it holds SELECT ... FROM, INSERT INTO, UPDATE <table> SET,
// DELETE FROM, or CREATE/ALTER of a table, index, view, trigger or schema (any case). A template's
// ${...} parts read as a placeholder, so `SELECT ${cols} FROM t` is found too.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { sourceFiles } from './source-files';

/**
 * Files that may still hold SQL outside src/db/, each with the reason (the deal loaders were listed
 * here until they moved to src/db/repositories/deals.ts). Keep it empty: move SQL into a repository
 * instead. A listed file that no longer holds SQL fails the check, so the list cannot go stale.
 */
export const ALLOWED_OUTSIDE_DB: Record<string, string> = {};

/** Directories (relative to the repository, with a trailing slash) where SQL belongs. */
export const SQL_HOMES = ['src/db/', 'src/generated/'];

const SQL_PATTERNS: { name: string; re: RegExp }[] = [
  { name: 'SELECT ... FROM', re: /\bselect\b[\s\S]*?\bfrom\b/i },
  { name: 'INSERT INTO', re: /\binsert\s+into\b/i },
  { name: 'UPDATE ... SET', re: /\bupdate\s+\S+\s+set\b/i },
  { name: 'DELETE FROM', re: /\bdelete\s+from\b/i },
  { name: 'CREATE/ALTER', re: /\b(create|alter)\s+(unique\s+)?(table|index|view|trigger|schema)\b/i },
];

export interface SqlFinding {
  file: string;
  line: number;
  pattern: string;
  text: string;
}

/** The text of every string and template literal of a source file, with its line. */
function literals(file: string, source: string): { line: number; text: string }[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  const out: { line: number; text: string }[] = [];
  const at = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push({ line: at(node), text: node.text });
    else if (ts.isTemplateExpression(node)) {
      out.push({ line: at(node), text: [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? ') });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** SQL found in one file's literals. */
export function sqlInSource(file: string, source: string): SqlFinding[] {
  const found: SqlFinding[] = [];
  for (const { line, text } of literals(file, source)) {
    const hit = SQL_PATTERNS.find((p) => p.re.test(text));
    if (hit) found.push({ file, line, pattern: hit.name, text: text.replace(/\s+/g, ' ').slice(0, 100) });
  }
  return found;
}

/** SQL in src/ (under `root`) outside the SQL homes and the allow-list, file paths relative to `root`. */
export function findSqlOutsideDb(root: string, allowed: Record<string, string> = ALLOWED_OUTSIDE_DB): SqlFinding[] {
  const found: SqlFinding[] = [];
  for (const full of sourceFiles(path.join(root, 'src'))) {
    const rel = path.relative(root, full).split(path.sep).join('/');
    if (SQL_HOMES.some((home) => rel.startsWith(home)) || Object.hasOwn(allowed, rel)) continue;
    found.push(...sqlInSource(rel, fs.readFileSync(full, 'utf8')));
  }
  return found;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const found = findSqlOutsideDb(root);
  const stale = Object.keys(ALLOWED_OUTSIDE_DB).filter(
    (f) => !fs.existsSync(path.join(root, f)) || sqlInSource(f, fs.readFileSync(path.join(root, f), 'utf8')).length === 0,
  );
  for (const f of found) process.stderr.write(`${f.file}:${f.line}: SQL (${f.pattern}) outside src/db/: ${f.text}\n`);
  for (const f of stale) process.stderr.write(`${f}: listed in ALLOWED_OUTSIDE_DB but holds no SQL (any more): remove it from the list\n`);
  if (found.length || stale.length) {
    process.stderr.write('SQL belongs in src/db/repositories/ (see docs/development.md, "Where SQL lives").\n');
    process.exit(1);
  }
  const pending = Object.keys(ALLOWED_OUTSIDE_DB).length;
  process.stdout.write(`check:sql: no SQL outside src/db/${pending ? ` (${pending} allowed file(s) pending a move)` : ''}\n`);
}
