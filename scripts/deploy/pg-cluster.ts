// Private PostgreSQL clusters for the deployment test: a primary and a streaming replica made with
// `pg_basebackup -R` (Debian's binaries, run as the postgres user when this process is root, as
// .ci/run does). Everything lives under one temporary folder removed at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Cluster {
  port: number;
  dataDir: string;
  url(db?: string): string;
}

export interface Clusters {
  primary: Cluster;
  replica: Cluster;
  stop(): void;
}

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(a) - Number(b)) : [];
  const bin = versions.length ? path.join(base, versions[versions.length - 1], 'bin') : '';
  if (!bin || !fs.existsSync(path.join(bin, 'pg_basebackup')))
    throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (Debian package postgresql)');
  return bin;
}

/** Runs a PostgreSQL binary as the postgres user (initdb refuses root). */
function asPostgres(bin: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const cmd = root ? 'su' : bin;
  const argv = root ? ['postgres', '-c', [bin, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')] : args;
  const r = spawnSync(cmd, argv, { cwd: '/', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

const url =
  (port: number) =>
  (db = 'postgres') =>
    `postgresql://postgres@127.0.0.1:${port}/${db}`;

function start(bin: string, dir: string, dataDir: string, port: number): void {
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  asPostgres(path.join(bin, 'pg_ctl'), ['-D', dataDir, '-l', `${dataDir}.log`, '-w', '-o', opts, 'start']);
}

/** A primary on `port` and its streaming replica on `port + 1`. */
export function startPrimaryAndReplica(port: number): Clusters {
  const bin = pgBin();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'salescast-deploy-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const primaryDir = path.join(dir, 'primary');
  const replicaDir = path.join(dir, 'replica');
  const stop = () => {
    for (const d of [replicaDir, primaryDir])
      if (fs.existsSync(path.join(d, 'postmaster.pid'))) {
        try {
          asPostgres(path.join(bin, 'pg_ctl'), ['-D', d, '-m', 'immediate', 'stop']);
        } catch {
          // already stopped
        }
      }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // initdb -A trust also trusts local replication connections, which pg_basebackup uses.
    asPostgres(path.join(bin, 'initdb'), ['-D', primaryDir, '-A', 'trust', '-U', 'postgres']);
    start(bin, dir, primaryDir, port);
    asPostgres(path.join(bin, 'pg_basebackup'), [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
    ]);
    start(bin, dir, replicaDir, port + 1);
  } catch (e) {
    stop();
    throw e;
  }
  return {
    primary: { port, dataDir: primaryDir, url: url(port) },
    replica: { port: port + 1, dataDir: replicaDir, url: url(port + 1) },
    stop,
  };
}
