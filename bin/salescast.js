#!/usr/bin/env node
// Entry point of `npx salescast` (and of `npm start`, which is `salescast serve --demo`). It runs
// the compiled JavaScript in dist/, which `npm ci` builds (scripts/build.js). When a source file
// changed since that build (a developer's checkout), the changed files are recompiled first
// (a fraction of a second), so the command never runs code older than the sources beside it.

const path = require('node:path');

const root = path.join(__dirname, '..');

function ensureBuilt() {
  const build = require('../scripts/build.js');
  if (build.isFresh()) return;
  try {
    const r = build.build();
    if (process.stderr.isTTY && r.compiled + r.copied + r.removed > 0) {
      process.stderr.write(`salescast: compiled ${r.compiled + r.copied} changed source file(s) into dist/ (${r.ms} ms)\n`);
    }
  } catch (e) {
    process.stderr.write(
      `salescast: dist/ is older than src/ and could not be rebuilt (${e instanceof Error ? e.message : String(e)}); run "npm run build"\n`,
    );
    process.exit(1);
  }
}

// A copy of dist/ without the sources beside it (a deployment artefact) has nothing to compare.
if (require('node:fs').existsSync(path.join(root, 'src'))) ensureBuilt();

// process.exit() drops output still queued for a pipe (a `--json` report piped into another
// program would be cut at 64 KB), so exit only once stdout and stderr have flushed. Exiting
// explicitly is still needed: database drivers can leave timers behind.
function flush(stream) {
  return new Promise((resolve) => stream.write('', resolve));
}

require('../dist/cli.js')
  .main(process.argv)
  .then(async (code) => {
    process.exitCode = code;
    await Promise.all([flush(process.stdout), flush(process.stderr)]);
    process.exit(code);
  });
