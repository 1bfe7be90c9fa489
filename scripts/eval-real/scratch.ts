// Scratch SQLite databases for one evaluation run, all under one temporary folder that is removed at
// the end. The migrations run once into a template file; each database is a copy of it (the real
// migrations, without paying the schema engine per database).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Better from 'better-sqlite3';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';

export class Scratch {
  private template: string | null = null;
  private readonly open: Database[] = [];

  private constructor(readonly dir: string) {}

  static create(): Scratch {
    return new Scratch(fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-eval-real-')));
  }

  /** A path inside the scratch folder (its parent folders are created). */
  path(...parts: string[]): string {
    const p = path.join(this.dir, ...parts);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    return p;
  }

  /** A fresh, migrated, empty database named `name` (its file is `<name>.db`, its model store `<name>-models/`). */
  async database(name: string): Promise<{ db: Database; url: string; modelsDir: string }> {
    if (!this.template) {
      const file = this.path('template.db');
      await migrate(`file:${file}`);
      // Fold the WAL into the main file so that a plain copy is complete.
      const conn = new Better(file);
      conn.pragma('wal_checkpoint(TRUNCATE)');
      conn.pragma('journal_mode = DELETE');
      conn.close();
      this.template = file;
    }
    const file = this.path(`${name}.db`);
    fs.copyFileSync(this.template, file);
    const url = `file:${file}`;
    const db = openDatabase(url);
    this.open.push(db);
    const modelsDir = this.path(`${name}-models`);
    fs.mkdirSync(modelsDir, { recursive: true });
    return { db, url, modelsDir };
  }

  async cleanup(): Promise<void> {
    for (const db of this.open.splice(0)) await db.close().catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
