#!/usr/bin/env node
// Compiles src/ to dist/ (CommonJS JavaScript): `npm ci` runs it after `prisma generate`
// (postinstall), `npm run build` runs it by hand, and bin/salescast.js runs it when a source file
// changed since the last build (a developer's checkout), so the compiled code is never stale.
//
// Each file is transpiled on its own with TypeScript's transpileModule, with the compiler options
// of tsconfig.json. tsconfig.json sets isolatedModules, which guarantees that a file compiles the
// same on its own as in a whole-program `tsc` emit; types are checked by `npm run typecheck` (part
// of `npm test`), not here: a whole-program emit re-checks every type at every install (~15 s on
// two cores) and cannot rebuild one changed file in a fraction of a second. Files other than
// TypeScript (the dashboard's static files) are copied. dist/ mirrors src/ (src/db/migrate.ts ->
// dist/db/migrate.js), so paths relative to a module's directory (`../../prisma`, `../../bin`)
// resolve the same from both.
//
// dist/.build.json records each input's size and modification time; a build recompiles only the
// inputs that differ and deletes the outputs of inputs that are gone. isFresh() compares without
// loading the compiler (about 2 ms for the whole tree), for the CLI's start-up.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const MANIFEST = '.build.json';
const FORMAT = 1;

function defaults(opts = {}) {
  return {
    srcDir: opts.srcDir ?? path.join(ROOT, 'src'),
    outDir: opts.outDir ?? path.join(ROOT, 'dist'),
    tsconfig: opts.tsconfig ?? path.join(ROOT, 'tsconfig.json'),
  };
}

/** Every file under dir, as paths relative to it with forward slashes, sorted. */
function listFiles(dir) {
  const out = [];
  const walk = (abs, rel) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(`${abs}/${e.name}`, r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

function stamp(file) {
  const s = fs.statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

/**
 * What a build depends on besides the sources: the compiler options (tsconfig.json) and this
 * script (how it compiles). A change to either rebuilds everything.
 */
function toolStamp(o) {
  return `${stamp(o.tsconfig)}|${stamp(__filename)}`;
}

function readManifest(outDir) {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST), 'utf8'));
    return m && m.format === FORMAT && m.sources && typeof m.sources === 'object' ? m : null;
  } catch {
    return null;
  }
}

/** True when dist/ was built from exactly the sources and settings on disk now. */
function isFresh(opts) {
  const o = defaults(opts);
  const m = readManifest(o.outDir);
  if (!m) return false;
  try {
    if (m.tools !== toolStamp(o)) return false;
    const files = listFiles(o.srcDir);
    if (files.length !== Object.keys(m.sources).length) return false;
    for (const f of files) if (m.sources[f] !== stamp(path.join(o.srcDir, f))) return false;
    return true;
  } catch {
    return false;
  }
}

/** dist/ path of a source file: .ts -> .js, other files as they are; .d.ts files have none. */
function outputOf(rel) {
  if (rel.endsWith('.d.ts')) return null;
  return rel.endsWith('.ts') ? `${rel.slice(0, -3)}.js` : rel;
}

/** Writes through a temporary file and a rename, so a concurrent run never loads half a file. */
function writeAtomic(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function compilerOptions(ts, tsconfig) {
  const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig));
  return {
    ...parsed.options,
    noEmit: false,
    declaration: false,
    // Maps next to each file, for `NODE_OPTIONS=--enable-source-maps` when debugging; off by
    // default because Node then reads every module's map at load, which costs start-up time.
    sourceMap: true,
    inlineSourceMap: false,
    incremental: false,
    tsBuildInfoFile: undefined,
  };
}

/** Transpiles one file; throws on syntax errors (types are the type check's business). */
function transpile(ts, options, srcFile, outFile) {
  const source = fs.readFileSync(srcFile, 'utf8');
  const r = ts.transpileModule(source, {
    compilerOptions: options,
    // The map's `sources` entry: the .ts file, relative to the .js file.
    fileName: path.relative(path.dirname(outFile), srcFile).split(path.sep).join('/'),
    reportDiagnostics: true,
  });
  const errors = (r.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const d = errors[0];
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    throw new Error(
      `${path.relative(ROOT, srcFile)}${where ? `:${where.line + 1}:${where.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
  }
  writeAtomic(`${outFile}.map`, r.sourceMapText ?? '');
  writeAtomic(outFile, r.outputText);
}

/**
 * Brings outDir up to date with srcDir. Returns what it did. Safe to run concurrently (every file
 * and the manifest are replaced atomically, and concurrent runs write the same content).
 */
function build(opts) {
  const o = defaults(opts);
  const started = Date.now();
  const previous = readManifest(o.outDir);
  const tools = toolStamp(o);
  const reuse = previous && previous.tools === tools ? previous.sources : {};
  const files = listFiles(o.srcDir);
  const sources = {};
  let ts = null;
  let options = null;
  let compiled = 0;
  let copied = 0;
  for (const rel of files) {
    const srcFile = path.join(o.srcDir, rel);
    const s = stamp(srcFile);
    sources[rel] = s;
    const out = outputOf(rel);
    if (out === null) continue;
    const outFile = path.join(o.outDir, out);
    if (reuse[rel] === s && fs.existsSync(outFile)) continue;
    if (rel.endsWith('.ts')) {
      ts ??= require('typescript');
      options ??= compilerOptions(ts, o.tsconfig);
      transpile(ts, options, srcFile, outFile);
      compiled++;
    } else {
      writeAtomic(outFile, fs.readFileSync(srcFile));
      copied++;
    }
  }
  // Outputs of sources that were deleted or renamed: a stale module left in dist/ would still load.
  let removed = 0;
  for (const rel of Object.keys(previous?.sources ?? {})) {
    if (rel in sources) continue;
    const out = outputOf(rel);
    if (out === null) continue;
    for (const f of rel.endsWith('.ts') ? [out, `${out}.map`] : [out]) {
      if (fs.existsSync(path.join(o.outDir, f))) {
        fs.rmSync(path.join(o.outDir, f));
        if (f === out) removed++;
      }
    }
  }
  writeAtomic(path.join(o.outDir, MANIFEST), `${JSON.stringify({ format: FORMAT, tools, sources })}\n`);
  return { compiled, copied, removed, files: files.length, ms: Date.now() - started };
}

module.exports = { build, isFresh, listFiles };

if (require.main === module) {
  const args = process.argv.slice(2);
  const quiet = args.includes('--quiet');
  try {
    if (args.includes('--clean')) fs.rmSync(defaults().outDir, { recursive: true, force: true });
    const r = build();
    if (!quiet) {
      const what = r.compiled || r.copied || r.removed ? `compiled ${r.compiled}, copied ${r.copied}, removed ${r.removed}` : 'up to date';
      process.stdout.write(`build: dist/ ${what} (${r.files} source files, ${(r.ms / 1000).toFixed(1)} s)\n`);
    }
  } catch (e) {
    process.stderr.write(`build failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
