// The server's logger: JSON lines (pino) on stdout, written in batches. A synchronous write per
// line (pino's default) is a system call on every request; profiles of inline scoring put the
// access log at ~10% of the server's CPU that way. Lines are buffered up to 4 KB and flushed at
// least once a second, and on exit (pino flushes its destination when the process ends, also on a
// crash), so an operator tailing the log sees a request within a second.
import pino, { type DestinationStream, type Logger } from 'pino';

export interface ServerLoggerOptions {
  /** File descriptor or path (default 1, stdout). */
  dest?: number | string;
  /** Longest a line waits in the buffer (default 1000 ms). */
  flushEveryMs?: number;
}

export function serverLogger(level: string, options: ServerLoggerOptions = {}): Logger {
  const destination = pino.destination({ dest: options.dest ?? 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // destroyed (the process is ending): nothing left to flush
    }
  }, options.flushEveryMs ?? 1000);
  timer.unref();
  return pino({ level, base: { service: 'salescast-api' } }, destination as DestinationStream);
}
