// The source files below a folder (TypeScript and JavaScript), sorted: what the source checks
// (check-size, check-sql-placement) read.
import fs from 'node:fs';
import path from 'node:path';

export function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}
