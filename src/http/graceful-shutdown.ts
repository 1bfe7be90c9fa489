// Graceful shutdown of the HTTP server: stop accepting, answer every request already received, then
// close. Two things Node's own server.close() gets wrong for this (issue 12: 12 of 21 requests sent
// on new connections 0.3 s before SIGTERM were reset):
// - connections the kernel has accepted but the process has not yet picked up (the listen
//   backlog, which grows while the process is busy) are reset when the listening socket closes:
//   the backlog is drained first (Node takes one connection from it per turn of the event loop);
// - since Node 19, server.close() also closes every connection without a request in progress,
//   which includes a new connection whose request bytes have arrived but not yet been parsed:
//   such a connection is given a moment to show its request before it counts as idle.
// Responses written while shutting down carry `Connection: close`, so keep-alive clients reconnect
// elsewhere; idle keep-alive connections are closed. What is still open after the grace period is
// destroyed.
import type http from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';

/** How long a connection without any request yet may take to show one once shutdown began. */
export const FIRST_REQUEST_WINDOW_MS = 1000;
/** At most this long is spent taking connections from the listen backlog before it closes. */
export const BACKLOG_DRAIN_MS = 500;
const POLL_MS = 20;

interface ConnectionState {
  /** Requests received on it and not yet answered. */
  active: number;
  /** Requests answered on it. */
  served: number;
  /** The response being written, to mark `Connection: close` when shutdown begins. */
  current: http.ServerResponse | null;
}

export interface ShutdownResult {
  /** Connections destroyed at the end of the grace period (their requests unanswered). */
  forced: number;
  /** Requests answered after shutdown began. */
  answered: number;
}

export interface GracefulShutdown {
  readonly shuttingDown: boolean;
  /** Stops accepting, finishes what was received (for up to `graceMs`), closes every connection. Idempotent. */
  shutdown(graceMs: number): Promise<ShutdownResult>;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function gracefulShutdown(server: http.Server): GracefulShutdown {
  const connections = new Map<Socket, ConnectionState>();
  let shuttingDown = false;
  let answered = 0;
  let accepted = 0;
  let result: Promise<ShutdownResult> | null = null;

  server.on('connection', (socket: Socket) => {
    accepted++;
    connections.set(socket, { active: 0, served: 0, current: null });
    socket.once('close', () => connections.delete(socket));
  });
  // Before the app's own listener: a synchronous handler may have sent its headers by the time a later listener runs.
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const state = connections.get(req.socket);
    if (!state) return;
    state.active++;
    state.current = res;
    if (shuttingDown) res.setHeader('Connection', 'close');
    res.once('close', () => {
      state.active--;
      state.served++;
      if (state.current === res) state.current = null;
      if (shuttingDown) answered++;
    });
  });

  const idle = (s: ConnectionState, since: number) => s.active === 0 && (s.served > 0 || Date.now() - since >= FIRST_REQUEST_WINDOW_MS);

  async function run(graceMs: number): Promise<ShutdownResult> {
    const began = Date.now();
    shuttingDown = true;
    // Node accepts one connection per turn of the event loop: take turns until one passes without
    // a new connection, so every connection waiting in the listen backlog is accepted (and
    // tracked) before the listening socket closes. Bounded, for a stream of new arrivals.
    const drainUntil = Date.now() + BACKLOG_DRAIN_MS;
    let seen = -1;
    while (seen !== accepted && Date.now() < drainUntil) {
      seen = accepted;
      await nextTurn();
      await nextTurn();
    }
    const listening = new Promise<void>((resolve) => {
      // net's close, not http's: http's would close every connection that has no request yet.
      net.Server.prototype.close.call(server, () => resolve());
    });
    for (const s of connections.values()) if (s.current && !s.current.headersSent) s.current.setHeader('Connection', 'close');
    while (connections.size && Date.now() - began < graceMs) {
      for (const [socket, s] of connections) if (idle(s, began)) socket.end();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const forced = [...connections.values()].filter((s) => s.active > 0).length;
    for (const socket of connections.keys()) socket.destroy();
    await listening;
    return { forced, answered };
  }

  return {
    get shuttingDown() {
      return shuttingDown;
    },
    shutdown(graceMs) {
      result ??= run(graceMs);
      return result;
    },
  };
}
