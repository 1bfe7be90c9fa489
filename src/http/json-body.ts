// The API's JSON body reader. express.json (body-parser) handles every framing, content encoding
// and charset; what almost every call sends (Content-Type application/json, utf-8, a
// Content-Length within the limit, no Content-Encoding) is read here directly, and everything
// else is handed to express.json. body-parser reads through raw-body, on-finished and iconv, with
// five listeners on each request: on bench:api's scoring call, reading the common case here cut
// the server's CPU per request by about 9% (paired runs).
//
// The outcome is body-parser's, byte for byte (test/http/json-body.test.ts compares the two on
// generated bodies): the same parsed value, a byte order mark dropped, an empty body read as {},
// and the same errors (type "entity.parse.failed", status 400, the same message) for malformed JSON
// and for a body that is not an object or array (body-parser's strict mode).
import type { Request, RequestHandler } from 'express';
import { BYTE_SIZE } from '../config';

/** Bytes in a limit written as config accepts it (500kb, 1mb, 2048b; multiples of 1024, as body-parser reads them). */
export function limitBytes(limit: string): number {
  const m = BYTE_SIZE.exec(limit);
  if (!m) throw new Error(`body limit "${limit}" must look like 1mb, 500kb or 2048b`);
  const unit = m[2].toLowerCase();
  return Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
}

// The media types read here (compared lowercased); any other goes to express.json, which also
// decides whether it is JSON at all.
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** A JSON body parser: the common case read here, anything else by `fallback` (express.json with the same limit). */
export function jsonBody(limit: string, fallback: RequestHandler): RequestHandler {
  const max = limitBytes(limit);
  return (req, res, next) => {
    const h = req.headers;
    const type = h['content-type'];
    const length = h['content-length'];
    if (
      type === undefined ||
      length === undefined ||
      h['content-encoding'] !== undefined ||
      h['transfer-encoding'] !== undefined ||
      !(type === 'application/json' || PLAIN_JSON.has(type.toLowerCase()))
    )
      return fallback(req, res, next);
    const size = Number(length); // Node's parser has checked it is digits
    if (!(size > 0 && size <= max)) return fallback(req, res, next);
    readJson(req, next);
  };
}

function readJson(req: Request, next: (err?: unknown) => void) {
  let first: Buffer | null = null;
  let more: Buffer[] | null = null;
  let done = false;
  req.on('data', (chunk: Buffer) => {
    if (first === null) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (done) return;
    done = true;
    const bytes = more ? Buffer.concat(more) : (first ?? Buffer.alloc(0));
    let text = bytes.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // iconv-lite drops a byte order mark
    try {
      req.body = parseStrict(text);
    } catch (e) {
      next(httpError(400, (e as Error).message, 'entity.parse.failed', e));
      return;
    }
    next();
  });
  // The listeners stay until the request is done with; the flag keeps a late error from answering twice.
  req.on('error', (err: Error) => {
    if (done) return;
    done = true;
    // As raw-body reports a body cut short (the client went away).
    next(httpError(400, 'request aborted', 'request.aborted', err));
  });
}

type BodyError = Error & { status: number; statusCode: number; expose: boolean; type: string };

/** The error body-parser passes on (http-errors' fields that error-handler.ts reads). */
function httpError(status: number, message: string, type: string, cause: unknown): BodyError {
  return Object.assign(new Error(message, { cause }), { status, statusCode: status, expose: true, type });
}

// JSON whitespace: space, tab, line feed, carriage return.
const FIRST_NON_WHITESPACE = /^[ \t\n\r]*([^ \t\n\r]|$)/;

/** body-parser's strict JSON: an empty body is {}; anything but an object or array is refused. */
function parseStrict(text: string): unknown {
  if (text.length === 0) return {};
  const c = text[0];
  if (c !== '{' && c !== '[') {
    const first = FIRST_NON_WHITESPACE.exec(text)?.[1] || undefined;
    if (first !== '{' && first !== '[') throw strictViolation(text, first);
  }
  return JSON.parse(text);
}

/**
 * body-parser's message for a body that is valid JSON but not an object or array: JSON.parse's own
 * message for the text with everything from that character on replaced by '#', then the '#'s
 * put back as the original characters.
 */
function strictViolation(text: string, char: string | undefined): Error {
  const index = char === undefined ? -1 : text.indexOf(char);
  const partial = index === -1 ? '' : text.substring(0, index) + '#'.repeat(text.length - index);
  try {
    JSON.parse(partial);
    return new SyntaxError('strict violation');
  } catch (e) {
    return new SyntaxError((e as Error).message.replace(/#+/g, (p) => text.substring(index, index + p.length)));
  }
}
