// scripts/build.js: src/ compiled to CommonJS in a mirror tree, other files copied, and only what
// changed recompiled; isFresh() (what bin/salescast.js checks at start) notices every kind of change.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const { build, isFresh } = require(path.join(ROOT, 'scripts', 'build.js')) as {
  build(o: { srcDir: string; outDir: string; tsconfig?: string }): { compiled: number; copied: number; removed: number; files: number };
  isFresh(o: { srcDir: string; outDir: string; tsconfig?: string }): boolean;
};

describe('scripts/build.js', () => {
  let dir: string;
  let o: { srcDir: string; outDir: string };
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(o.srcDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(o.srcDir, rel), text);
  };
  // A distinct modification time without waiting: the stamp is size and mtime.
  const touch = (rel: string, seconds: number) => {
    const t = new Date(Date.now() + seconds * 1000);
    fs.utimesSync(path.join(o.srcDir, rel), t, t);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-build-'));
    o = { srcDir: path.join(dir, 'src'), outDir: path.join(dir, 'dist') };
    write('a.ts', "import { b } from './lib/b';\nexport const a: number = b + 1;\n");
    write('lib/b.ts', 'export const b = 41;\n');
    write('lib/types.d.ts', 'export type T = string;\n');
    write('public/index.html', '<p>hi</p>\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('compiles TypeScript to CommonJS beside copies of the other files, and the result runs', () => {
    expect(isFresh(o)).toBe(false);
    expect(build(o)).toMatchObject({ compiled: 2, copied: 1, removed: 0, files: 4 });
    expect(fs.readFileSync(path.join(o.outDir, 'public/index.html'), 'utf8')).toBe('<p>hi</p>\n');
    expect(fs.existsSync(path.join(o.outDir, 'lib/types.d.js'))).toBe(false);
    expect(fs.existsSync(path.join(o.outDir, 'a.js.map'))).toBe(true);
    expect(require(path.join(o.outDir, 'a.js')).a).toBe(42);
    expect(isFresh(o)).toBe(true);
    expect(build(o)).toMatchObject({ compiled: 0, copied: 0, removed: 0 });
  });

  test('an edited, added or deleted source makes dist stale, and the next build handles just that', () => {
    build(o);
    write('lib/b.ts', 'export const b = 99;\n');
    touch('lib/b.ts', 5);
    expect(isFresh(o)).toBe(false);
    expect(build(o)).toMatchObject({ compiled: 1, copied: 0, removed: 0 });
    expect(fs.readFileSync(path.join(o.outDir, 'lib/b.js'), 'utf8')).toContain('99');

    write('c.ts', 'export const c = 1;\n');
    expect(isFresh(o)).toBe(false);
    expect(build(o)).toMatchObject({ compiled: 1, removed: 0 });

    fs.rmSync(path.join(o.srcDir, 'c.ts'));
    expect(isFresh(o)).toBe(false);
    expect(build(o)).toMatchObject({ compiled: 0, removed: 1 });
    // A module whose source is gone must not stay loadable from dist/.
    expect(fs.existsSync(path.join(o.outDir, 'c.js'))).toBe(false);
    expect(fs.existsSync(path.join(o.outDir, 'c.js.map'))).toBe(false);
    expect(isFresh(o)).toBe(true);
  });

  test('a deleted output or a missing manifest is rebuilt', () => {
    build(o);
    fs.rmSync(path.join(o.outDir, '.build.json'));
    expect(isFresh(o)).toBe(false);
    expect(build(o)).toMatchObject({ compiled: 2, copied: 1 });
    fs.rmSync(path.join(o.outDir, 'a.js'));
    expect(build(o)).toMatchObject({ compiled: 1 });
  });

  test('a syntax error fails the build, naming the file and position, and leaves dist stale', () => {
    build(o);
    write('a.ts', 'export const a = ;\n');
    touch('a.ts', 5);
    expect(() => build(o)).toThrow(/a\.ts:1:\d+: Expression expected/);
    expect(isFresh(o)).toBe(false);
  });
});
