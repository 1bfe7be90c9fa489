// The size check (npm run check:size) finds functions over 80 lines and files over 500 lines in src/,
// names them in a way that survives edits elsewhere, and fails on stale allow-list entries.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ALLOWED, checkSizes, MAX_FILE_LINES, MAX_FUNCTION_LINES, sizeFindings } from '../../scripts/check-size';

const ROOT = path.resolve(__dirname, '..', '..');

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-size-check-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** A body of `n` lines in total, braces included. */
const body = (n: number) => `{\n${'  x += 1;\n'.repeat(n - 2)}}`;

describe('the size check', () => {
  test('src/ passes, and every allowed finding names the branch that owns it', () => {
    const { failing, stale } = checkSizes(ROOT);
    expect(failing.map((f) => f.key)).toEqual([]);
    expect(stale).toEqual([]);
    for (const reason of Object.values(ALLOWED)) expect(reason).toMatch(/\b(modelsel|liveness|scale)\b/);
  });

  test('functions, methods, arrows and callbacks just over the limit are found; at the limit they are not', () => {
    const over = MAX_FUNCTION_LINES + 1;
    const source = [
      'let x = 0;',
      `export function longOne() ${body(over)}`,
      `export function fine() ${body(MAX_FUNCTION_LINES)}`,
      `export class Model { fit() ${body(over)} }`,
      `export const arrow = () => ${body(over)};`,
      `export function register(program: any) { program.action(() => ${body(over)}); }`,
    ].join('\n');
    const keys = sizeFindings('src/x.ts', source).map((f) => f.key);
    expect(keys).toEqual(['src/x.ts#longOne', 'src/x.ts#Model.fit', 'src/x.ts#arrow', 'src/x.ts#register', 'src/x.ts#register>action()']);
  });

  test('a file over the limit is found, a file at the limit is not', () => {
    expect(sizeFindings('src/a.ts', 'let a = 1;\n'.repeat(MAX_FILE_LINES + 1)).map((f) => f.kind)).toEqual(['file']);
    expect(sizeFindings('src/a.ts', 'let a = 1;\n'.repeat(MAX_FILE_LINES))).toEqual([]);
  });

  test('allowed findings pass, stale entries fail, generated files are skipped', () => {
    const long = `export function big() ${body(MAX_FUNCTION_LINES + 5)}\n`;
    const root = tree({
      'src/services/big.ts': long,
      'src/services/other.ts': long,
      'src/generated/sqlite/client.ts': long,
    });
    const result = checkSizes(root, { 'src/services/big.ts#big': 'owned by a branch', 'src/services/gone.ts#old': 'was split' });
    expect(result.failing.map((f) => f.key)).toEqual(['src/services/other.ts#big']);
    expect(result.stale).toEqual(['src/services/gone.ts#old']);
  });
});
