// The dashboard is served by the API app itself: the page at `/`, its assets under /dashboard/,
// with its own strict Content-Security-Policy and revalidating cache headers, and without a key
// (the page holds no data; its API calls carry the user's key).
import request from 'supertest';
import { DASHBOARD_CSP } from '../../src/dashboard/router';
import { harness, type Harness } from '../http/helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
});

describe('the dashboard page', () => {
  it('is served at / as HTML without an API key, with security headers and a revalidating cache policy', async () => {
    const res = await request(h.app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/i);
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers.etag).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).toContain('<title>Salescast');
    expect(res.text).toContain('id="kpis"');
  });

  it('answers a repeat request carrying its ETag with 304 Not Modified', async () => {
    const first = await request(h.app).get('/');
    const again = await request(h.app).get('/').set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
  });

  it('embeds no key, no inline script and no third-party URL (the machine may be offline)', async () => {
    const res = await request(h.app).get('/');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(res.text).not.toMatch(/\bstyle="/i);
    expect(res.text).not.toMatch(/https?:\/\//i);
    expect(res.text).not.toMatch(/Bearer\s+\w/);
  });

  it('references only assets that resolve, each with the right content type', async () => {
    const page = await request(h.app).get('/');
    const refs = [...page.text.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(expect.arrayContaining(['/dashboard/app.js', '/dashboard/styles/base.css', '/dashboard/styles/narrow.css']));
    const types: Record<string, RegExp> = { js: /^(application|text)\/javascript/, css: /^text\/css/, svg: /^image\/svg\+xml/ };
    for (const ref of [...new Set(refs)]) {
      const res = await request(h.app).get(ref);
      expect({ ref, status: res.status }).toEqual({ ref, status: 200 });
      expect(res.headers['content-type']).toMatch(types[ref.split('.').pop()!]);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('loads only its own ES modules (no CDN, no bare package names), each served as JavaScript', async () => {
    // Walk the module graph from app.js: every import is a relative path to a module served here.
    const seen = new Set<string>();
    const queue = ['/dashboard/app.js'];
    while (queue.length) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await request(h.app).get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
      expect(res.text.startsWith('// @ts-check')).toBe(true);
      expect(res.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
      const imports = [...res.text.matchAll(/^import [^;]*? from '([^']+)';$/gms)].map((m) => m[1]);
      for (const spec of imports) {
        expect(spec).toMatch(/^\.\.?\/[\w./-]+\.js$/);
        queue.push(new URL(spec, `http://x${url}`).pathname);
      }
    }
    // The panels, drawers and the API client are modules of their own.
    expect([...seen]).toEqual(
      expect.arrayContaining(['/dashboard/api/client.js', '/dashboard/panels/deals.js', '/dashboard/drawers/customer-drawer.js']),
    );
  });

  it('leaves unknown dashboard assets and path tricks to the JSON 404', async () => {
    for (const path of ['/dashboard/nope.js', '/dashboard/../router.ts', '/dashboard/%2e%2e/router.ts', '/dashboard/']) {
      const res = await request(h.app).get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body?.error?.code).toBe('NOT_FOUND');
    }
  });

  it('does not shadow the API: /v1 routes still require a key', async () => {
    const res = await request(h.app).get('/v1/reports/pareto');
    expect(res.status).toBe(401);
  });
});
