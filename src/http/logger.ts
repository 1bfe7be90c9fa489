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

/** Loggers made here, and the destination each writes to (for the access-log fast path). */
const destinations = new WeakMap<Logger, { write(line: string): unknown }>();

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
  const logger = pino({ level, base: { service: 'salescast-api' } }, destination as DestinationStream);
  destinations.set(logger, destination);
  return logger;
}

export interface AccessFields {
  requestId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  key?: string;
}

/**
 * Writes the one access line per request. For a logger made by serverLogger the line is formatted
 * here, exactly as pino would format it (same keys, order and escaping: tested), without pino's
 * generic walk over the object; any other logger gets logger.info.
 */
export function accessLogger(logger: Logger): (f: AccessFields) => void {
  const destination = destinations.get(logger);
  if (!destination) {
    return (f) => {
      if (logger.isLevelEnabled('info')) logger.info(f, 'request');
    };
  }
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const q = JSON.stringify;
  return (f) => {
    if (!logger.isLevelEnabled('info')) return;
    destination.write(
      `{"level":30,"time":${Date.now()}${bindings},"requestId":${q(f.requestId)},"method":${q(f.method)},"path":${q(f.path)},"status":${f.status},"ms":${f.ms}${f.key === undefined ? '' : `,"key":${q(f.key)}`},"msg":"request"}\n`,
    );
  };
}
