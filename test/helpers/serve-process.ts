// `salescast serve` as a separate process, for tests of what only a real process shows (signals,
// file permissions): started on a free loopback port with auth off, its output collected, and its
// address known once it prints the dashboard line.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const CLI = path.resolve(__dirname, '..', '..', 'bin', 'salescast.js');

export interface ServeProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, once it listens; rejects with its output if it exits first. */
  url: Promise<string>;
  output: () => string;
}

/**
 * Starts the server with `env` on top of the test's environment. `wrap` runs it under another
 * command (e.g. setpriv), which gets node and the CLI's arguments after its own.
 */
export function serveProcess(env: Record<string, string>, opts: { cwd?: string; wrap?: string[] } = {}): ServeProcess {
  const node = [process.execPath, CLI, 'serve'];
  const [command, ...args] = opts.wrap ? [...opts.wrap, ...node] : node;
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SALESCAST_AUTH_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (c: Buffer) => {
      output += c.toString();
      const m = /dashboard: (http:\/\/[^/\s]+)\//.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  return { child, url, output: () => output };
}
