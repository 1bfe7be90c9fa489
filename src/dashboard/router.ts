// The sales director's dashboard: a static, dependency-free page (HTML, CSS, ES modules, SVG
// charts drawn by hand) that reads everything from the /v1 API with the caller's own key. Nothing
// is rendered on the server, so the page can never show a number the API would not give the same
// caller, and no key is ever embedded in it.
//
// Served at `/` (the page) and `/dashboard/*` (its assets). Cache policy: the file names carry no
// content hash, so every response is `no-cache` with an ETag: browsers keep a copy but revalidate
// (a cheap 304) and never run an old app.js against a newer API after an upgrade.
import path from 'node:path';
import express from 'express';

const PUBLIC_DIR = path.join(__dirname, 'public');

/**
 * The page's own Content-Security-Policy, stricter than the API's default: scripts, styles and
 * fetches only from this origin, no inline script or style, no framing. It leaves out
 * `upgrade-insecure-requests`, which would send a plain-http loopback dashboard's asset requests
 * to https and break the local demo.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function pageHeaders(res: express.Response) {
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-cache');
}

export function dashboardRouter(): express.Router {
  const router = express.Router();

  router.get(['/', '/index.html'], (_req, res, next) => {
    pageHeaders(res);
    res.sendFile('index.html', { root: PUBLIC_DIR, dotfiles: 'deny' }, (err) => err && next(err));
  });

  router.use(
    '/dashboard',
    express.static(PUBLIC_DIR, {
      index: false,
      redirect: false,
      dotfiles: 'deny',
      etag: true,
      lastModified: true,
      // Unknown assets fall through to the app's JSON 404.
      fallthrough: true,
      setHeaders: (res) => pageHeaders(res as unknown as express.Response),
    }),
  );
  return router;
}
