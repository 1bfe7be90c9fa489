#!/usr/bin/env node
// Runs `prisma generate` offline. The Prisma CLI insists on locating a native schema engine even
// though generate never calls it, and that binary cannot be downloaded on every machine; any
// executable satisfies the check (see DEVELOPERS.md), so point it at /bin/false unless the user
// already configured a real one.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..');
const env = {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || '/bin/false',
};
const prismaBin = path.join(root, 'node_modules', '.bin', 'prisma');
if (!fs.existsSync(prismaBin)) {
  console.error('prisma CLI not installed; run npm ci first');
  process.exit(1);
}
for (const schema of ['prisma/sqlite/schema.prisma', 'prisma/postgresql/schema.prisma']) {
  if (!fs.existsSync(path.join(root, schema))) continue;
  execFileSync(prismaBin, ['generate', '--schema', schema], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
}
