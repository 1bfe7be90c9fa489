// Generates prisma/postgresql/schema.prisma from the SQLite schema (the source of truth): a Prisma
// datasource provider must be a literal, so each database needs its own schema file.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
export function postgresSchemaFrom(sqliteSchema: string): string {
  return sqliteSchema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('"../../src/generated/sqlite"', '"../../src/generated/postgresql"')
    .replace(
      /^\/\/ Salescast data model\. This SQLite schema[^\n]*\n(\/\/[^\n]*\n)*/m,
      '// GENERATED from prisma/sqlite/schema.prisma by `npm run db:schemas`. Do not edit by hand.\n',
    );
}

if (require.main === module) {
  const src = fs.readFileSync(path.join(root, 'prisma/sqlite/schema.prisma'), 'utf8');
  fs.mkdirSync(path.join(root, 'prisma/postgresql'), { recursive: true });
  fs.writeFileSync(path.join(root, 'prisma/postgresql/schema.prisma'), postgresSchemaFrom(src));
  console.log('wrote prisma/postgresql/schema.prisma');
}
