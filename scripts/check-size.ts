// `npm run check:size` (part of `npm test`): fails when a function, method or arrow function in src/
// spans more than MAX_FUNCTION_LINES lines, or a source file more than MAX_FILE_LINES lines, unless
// it is in the allow-list below. Long functions are split into named steps and long files into one
// concept per file (docs/development.md, "Size limits"); the limits are the developers' guide's.
//
// Functions are found through the TypeScript parser (declarations, methods, constructors, accessors,
// function expressions and arrows). A function's span runs from its first to its last line and
// includes the functions nested in it: a 90-line function made of three 30-line closures is still
// one long function to read. Generated files (Prisma's clients, the dashboard's OpenAPI types) are
// not checked.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { sourceFiles } from './source-files';

export const MAX_FUNCTION_LINES = 80;
export const MAX_FILE_LINES = 500;

/** Paths (relative to the repository) that are generated, not written. */
const GENERATED = ['src/generated/', 'src/dashboard/openapi.d.ts'];

/**
 * Findings that may stay for now, each with the reason: the in-flight branch that owns the file
 * (it is being changed there; splitting it here would collide). Keys are `file` for a long file
 * and `file#name` for a long function (names as printed by the check). An entry that no longer
 * fails the check fails it, so the list cannot go stale: remove entries as the branches land and
 * split their code.
 */
export const ALLOWED: Record<string, string> = {};

export interface SizeFinding {
  /** `file` or `file#name`, the allow-list key. */
  key: string;
  file: string;
  line: number;
  kind: 'file' | 'function';
  lines: number;
}

/** `action()` for a function passed to `.action(...)`, `(anonymous)` otherwise. */
function callbackName(node: ts.Node): string {
  const call = node.parent;
  if (!ts.isCallExpression(call)) return '(anonymous)';
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee)) return `${callee.name.text}()`;
  if (ts.isIdentifier(callee)) return `${callee.text}()`;
  return '(anonymous)';
}

/** The name of the nearest named function around `node`, or `(top)`. */
function enclosingName(node: ts.Node, sf: ts.SourceFile): string {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p)) {
      const name = functionName(p as ts.FunctionLikeDeclaration, sf);
      if (!name.startsWith('(top)')) return name;
    }
  }
  return '(top)';
}

/**
 * A name for a function-like node that survives edits elsewhere in the file (no line numbers):
 * `name`, `Class.method`, or for a callback `outer>action()` (the function passed to `.action(...)`
 * inside `outer`).
 */
function functionName(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  const own = (): string | undefined => {
    if (ts.isConstructorDeclaration(node)) return 'constructor';
    if (node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) || ts.isPrivateIdentifier(node.name))) {
      return node.name.text;
    }
    const parent = node.parent;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
    if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
    return undefined;
  };
  const name = own() ?? `${enclosingName(node, sf)}>${callbackName(node)}`;
  const cls = node.parent && (ts.isClassDeclaration(node.parent) || ts.isClassExpression(node.parent)) ? node.parent.name?.text : undefined;
  return cls ? `${cls}.${name}` : name;
}

/** Long functions and the file's own length for one source text; `file` is relative to the repository. */
export function sizeFindings(file: string, source: string): SizeFinding[] {
  const kind = file.endsWith('.js') || file.endsWith('.mjs') || file.endsWith('.cjs') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const found: SizeFinding[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const fileLines = source.endsWith('\n') ? source.split('\n').length - 1 : source.split('\n').length;
  if (fileLines > MAX_FILE_LINES) found.push({ key: file, file, line: 1, kind: 'file', lines: fileLines });
  const seen = new Map<string, number>();
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const fn = node as ts.FunctionLikeDeclaration;
      const start = lineOf(fn.getStart(sf));
      const lines = lineOf(fn.getEnd()) - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        let name = functionName(fn, sf);
        // Two long functions with one name in a file (overloads are bodiless and never counted).
        const n = (seen.get(name) ?? 0) + 1;
        seen.set(name, n);
        if (n > 1) name = `${name}#${n}`;
        found.push({ key: `${file}#${name}`, file, line: start, kind: 'function', lines });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Every finding in src/ under `root` (allowed or not), file paths relative to `root`. */
export function findOversized(root: string): SizeFinding[] {
  const found: SizeFinding[] = [];
  for (const full of sourceFiles(path.join(root, 'src'))) {
    const rel = path.relative(root, full).split(path.sep).join('/');
    if (GENERATED.some((g) => rel.startsWith(g))) continue;
    found.push(...sizeFindings(rel, fs.readFileSync(full, 'utf8')));
  }
  return found;
}

/** The findings not in the allow-list, and the allow-list entries that no longer match a finding. */
export function checkSizes(root: string, allowed: Record<string, string> = ALLOWED): { failing: SizeFinding[]; stale: string[] } {
  const found = findOversized(root);
  const keys = new Set(found.map((f) => f.key));
  return {
    failing: found.filter((f) => !Object.hasOwn(allowed, f.key)),
    stale: Object.keys(allowed).filter((k) => !keys.has(k)),
  };
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const { failing, stale } = checkSizes(root);
  for (const f of failing) {
    const limit = f.kind === 'file' ? `file over ${MAX_FILE_LINES} lines` : `function over ${MAX_FUNCTION_LINES} lines`;
    process.stderr.write(`${f.file}:${f.line}: ${f.key.slice(f.file.length + 1) || f.file} is ${f.lines} lines (${limit})\n`);
  }
  for (const k of stale) process.stderr.write(`${k}: listed in ALLOWED but within the limits (or gone): remove it from the list\n`);
  if (failing.length || stale.length) {
    process.stderr.write('Split long functions into named steps and long files by concept (docs/development.md, "Size limits").\n');
    process.exit(1);
  }
  const pending = Object.keys(ALLOWED).length;
  process.stdout.write(
    `check:size: no function over ${MAX_FUNCTION_LINES} lines, no file over ${MAX_FILE_LINES} lines${pending ? ` (${pending} allowed, owned by in-flight branches)` : ''}\n`,
  );
}
