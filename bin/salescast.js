#!/usr/bin/env node
// Entry point of `npx salescast`. The CLI is TypeScript run through tsx's CommonJS loader, so a
// fresh clone needs no build step.
require('tsx/cjs');

// process.exit() drops output still queued for a pipe (a `--json` report piped into another
// program would be cut at 64 KB), so exit only once stdout and stderr have flushed. Exiting
// explicitly is still needed: database drivers can leave timers behind.
function flush(stream) {
  return new Promise((resolve) => stream.write('', resolve));
}

require('../src/cli.ts')
  .main(process.argv)
  .then(async (code) => {
    process.exitCode = code;
    await Promise.all([flush(process.stdout), flush(process.stderr)]);
    process.exit(code);
  });
