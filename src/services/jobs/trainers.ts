// How a training job does its work: a Trainer function. The default trainer runs the training
// CLI (`salescast train <model> --json`) in a child process, because model fitting is CPU-bound
// and would otherwise stall the event loop of the process that runs the job (an API server's
// requests, a worker's lease renewals) for the length of the fit.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { AppError } from '../../errors';

export interface TrainerContext {
  log(line: string): void;
  signal: AbortSignal;
}

/** Runs one training; resolves with a JSON-able result or throws (the message becomes the job error). */
export type Trainer = (params: Record<string, unknown>, ctx: TrainerContext) => Promise<unknown>;

export const TRAINED_MODELS = ['win', 'churn', 'clv'] as const;

/** The default trainers of a process: each model's `salescast train` in a child process with `env`. */
export function cliTrainers(env: NodeJS.ProcessEnv): Record<string, Trainer> {
  return Object.fromEntries(TRAINED_MODELS.map((m) => [m, cliTrainer(m, { env })]));
}

/**
 * A trainer that runs `salescast train <model> [flags] --json` in a child process: stderr lines go
 * to the job log, the JSON printed on stdout becomes the job result, a non-zero exit fails the job.
 */
export function cliTrainer(model: string, opts: { cliPath?: string; env?: NodeJS.ProcessEnv } = {}): Trainer {
  const cli = opts.cliPath ?? path.resolve(__dirname, '..', '..', '..', 'bin', 'salescast.js');
  return (params, ctx) =>
    new Promise((resolve, reject) => {
      const args = [cli, 'train', model, '--json'];
      for (const [k, v] of Object.entries(params)) {
        if (v === undefined || v === null || v === false) continue;
        const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        args.push(...(v === true ? [flag] : [flag, String(v)]));
      }
      ctx.log(`$ salescast ${args.slice(1).join(' ')}`);
      const child = spawn(process.execPath, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const onAbort = () => child.kill('SIGTERM');
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      let stdout = '';
      let partial = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        const text = partial + c.toString().replace(/\r/g, '\n');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) if (l.trim()) ctx.log(l);
      });
      child.on('error', (e) => reject(e));
      child.on('close', (code, signal) => {
        ctx.signal.removeEventListener('abort', onAbort);
        if (partial.trim()) ctx.log(partial);
        let parsed: unknown = null;
        try {
          parsed = stdout.trim() ? JSON.parse(stdout) : null;
        } catch {
          for (const l of stdout.split('\n')) if (l.trim()) ctx.log(l);
        }
        if (code === 0) return resolve(parsed);
        const msg = (parsed as { error?: { message?: string } } | null)?.error?.message;
        reject(
          new AppError(
            code === 3 ? 'UNPROCESSABLE' : 'INTERNAL',
            msg ?? `training exited with ${signal ? `signal ${signal}` : `code ${code}`}`,
          ),
        );
      });
    });
}
