#!/usr/bin/env node
// Entry point of `npx salescast`. The CLI is TypeScript run through tsx's CommonJS loader, so a
// fresh clone needs no build step.
require('tsx/cjs');
require('../src/cli.ts')
  .main(process.argv)
  .then((code) => process.exit(code));
