#!/usr/bin/env bash
# Pre-release only: after editing prisma/sqlite/schema.prisma, regenerate the PostgreSQL schema,
# the Prisma clients and the single `init` migration of both databases.
# Needs a PostgreSQL server for the shadow database: SALESCAST_PG_URL (default: local dev server).
set -euo pipefail
cd "$(dirname "$0")/.."
export SALESCAST_PG_URL=${SALESCAST_PG_URL:-postgresql://postgres:postgres@127.0.0.1:5432/salescast_dev}
npx tsx scripts/sync-schemas.ts
node scripts/prisma-generate.js
rm -rf prisma/sqlite/migrations prisma/postgresql/migrations
npx tsx scripts/new-migration.ts init
