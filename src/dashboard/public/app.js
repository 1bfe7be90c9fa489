// Salescast dashboard: reads the /v1 API with the caller's key and draws the page. No number here
// is computed from anything but API answers (sums and shares of what the API returned at most).
// Each panel loads on its own: a missing endpoint, an untrained model or an empty database shows
// a calm empty state saying what is missing and how to get it, never a broken page.
import { forecastChart, paretoChart, rangeBar, reliabilityChart, valueBar, waterfallChart, COLORS } from './charts.js';

// ───────────────────────────── DOM and formatting ─────────────────────────────

/** Creates an element. Strings become text nodes (never HTML), so CRM text cannot inject markup. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const state = { currency: 'USD', asOf: null, routes: null, posts: null, currencyFromApi: false, quarter: null, stages: [] };
const finite = (v) => typeof v === 'number' && Number.isFinite(v);

function money(v, { compact = false } = {}) {
  if (!finite(v)) return '—';
  const abs = Math.abs(v);
  const opts = { style: 'currency', currency: state.currency };
  if (compact || abs >= 1e6) Object.assign(opts, { notation: 'compact', maximumFractionDigits: abs >= 1e6 ? 2 : 1 });
  else Object.assign(opts, { maximumFractionDigits: 0 });
  try {
    return new Intl.NumberFormat('en-US', opts).format(v);
  } catch {
    return `${state.currency} ${Math.round(v).toLocaleString('en-US')}`;
  }
}
const pct = (v, digits = 0) => (finite(v) ? `${(v * 100).toFixed(digits)}%` : '—');
const int = (v) => (finite(v) ? Math.round(v).toLocaleString('en-US') : '—');
const fixed = (v, d = 2) => (finite(v) ? v.toFixed(d) : '—');
function toDate(v) {
  if (v === null || v === undefined || v === '') return null;
  const d = typeof v === 'number' ? new Date(v) : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
}
function fmtDate(v, withYear = true) {
  const d = toDate(v);
  if (!d) return '—';
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', ...(withYear ? { year: 'numeric' } : {}), timeZone: 'UTC' });
}

/** Reads the first present value among dotted paths. */
function pick(obj, ...paths) {
  for (const p of paths) {
    let cur = obj;
    for (const k of p.split('.')) {
      if (cur === null || cur === undefined) break;
      cur = cur[k];
    }
    if (cur !== undefined && cur !== null) return cur;
  }
  return undefined;
}
/** A number from a plain number, a numeric string, or a Money object ({ amount, currency }). */
function num(v) {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (v && typeof v === 'object') {
    if ('amount' in v) {
      if (typeof v.currency === 'string' && /^[A-Z]{3}$/.test(v.currency)) noteCurrency(v.currency);
      return num(v.amount);
    }
    if ('estimate' in v) return num(v.estimate);
    if ('value' in v) return num(v.value);
  }
  return undefined;
}
const pnum = (obj, ...paths) => {
  for (const p of paths) {
    const v = num(pick(obj, p));
    if (v !== undefined) return v;
  }
  return undefined;
};
function noteCurrency(c) {
  if (!state.currencyFromApi && typeof c === 'string' && /^[A-Z]{3}$/.test(c)) {
    state.currency = c;
    state.currencyFromApi = true;
  }
}
/** The list inside a list response, whatever the envelope is called. */
function list(res, ...keys) {
  if (Array.isArray(res)) return res;
  for (const k of [...keys, 'items', 'data', 'rows', 'results']) {
    const v = pick(res, k);
    if (Array.isArray(v)) return v;
  }
  return [];
}

// ───────────────────────────── API client ─────────────────────────────

const KEY_STORAGE = 'salescast.apiKey';

class ApiError extends Error {
  constructor(status, body, path) {
    const e = body?.error ?? {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code ?? (status === 404 ? 'NOT_FOUND' : 'HTTP_ERROR');
    this.requestId = e.requestId;
    this.details = Array.isArray(e.details) ? e.details : [];
    this.path = path;
  }
}
class MissingEndpoint extends Error {
  constructor(what, candidates) {
    super(`This server has no ${what} endpoint yet (looked for ${candidates.map((c) => `GET ${c}`).join(', ')}).`);
    this.candidates = candidates;
  }
}

let keyPrompt = null;

/** Shows the key prompt once, however many requests hit a 401 at the same time. */
function askForKey(message) {
  keyPrompt ??= new Promise((resolve) => {
    const dialog = document.getElementById('key-dialog');
    const form = document.getElementById('key-form');
    const input = document.getElementById('key-input');
    const err = document.getElementById('key-error');
    err.hidden = !message;
    err.textContent = message ?? '';
    input.value = '';
    const onSubmit = (ev) => {
      ev.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      sessionStorage.setItem(KEY_STORAGE, key);
      form.removeEventListener('submit', onSubmit);
      dialog.close();
      keyPrompt = null;
      document.getElementById('signout').hidden = false;
      resolve(key);
    };
    form.addEventListener('submit', onSubmit);
    // The page is useless without a key: Escape does not dismiss the prompt.
    dialog.addEventListener('cancel', (ev) => ev.preventDefault());
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
  return keyPrompt;
}

async function api(path, query = {}, { retried = false, method = 'GET', body: payload } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  const key = sessionStorage.getItem(KEY_STORAGE);
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, credentials: 'omit', body: payload === undefined ? undefined : JSON.stringify(payload) });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.status === 401 && !retried) {
    if (key) sessionStorage.removeItem(KEY_STORAGE);
    await askForKey(key ? 'That key was not accepted. Check it and try again.' : null);
    return api(path, query, { retried: true, method, body: payload });
  }
  if (!res.ok) throw new ApiError(res.status, body, path);
  if (body && typeof body === 'object' && typeof body.currency === 'string') noteCurrency(body.currency);
  return body;
}

/** GET routes the server documents in /openapi.json (and, in state.posts, its POST routes); null when the document is unavailable. */
async function discoverRoutes() {
  try {
    const doc = await api('/openapi.json');
    const set = new Map();
    state.posts = new Set();
    for (const [p, ops] of Object.entries(doc?.paths ?? {})) {
      if (ops && ops.get) set.set(p, ops.get);
      if (ops && ops.post) state.posts.add(p);
    }
    return set;
  } catch {
    return null;
  }
}

/** Declared query parameter names of a documented route (null if unknown). */
function queryParams(route) {
  const op = state.routes?.get(route);
  if (!op) return null;
  return new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
}

/**
 * Calls the first of several candidate spellings of a capability that the server serves. With the
 * OpenAPI document: the documented one, with only the query parameters it declares. Without it:
 * each in turn until one is not a 404.
 */
async function call(what, candidates, query = {}) {
  if (state.routes) {
    const route = candidates.find((c) => state.routes.has(c));
    if (!route) throw new MissingEndpoint(what, candidates);
    const declared = queryParams(route);
    const q = declared ? Object.fromEntries(Object.entries(query).filter(([k]) => declared.has(k))) : query;
    return api(route, q);
  }
  for (const c of candidates) {
    if (c.includes('{')) continue;
    try {
      return await api(c, query);
    } catch (e) {
      // Only the app's own "No route GET /v1/..." means the capability is absent.
      if (!(e instanceof ApiError && e.status === 404 && /^No route /.test(e.message))) throw e;
    }
  }
  throw new MissingEndpoint(what, candidates);
}
const fill = (tpl, params) => tpl.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(params[k]));
async function callOne(what, candidates, params, query = {}) {
  const present = state.routes ? candidates.filter((c) => state.routes.has(c)) : candidates;
  if (!present.length) throw new MissingEndpoint(what, candidates);
  return api(fill(present[0], params), query);
}
/** POSTs a JSON body to the first candidate route the server documents. */
async function postOne(what, candidates, body) {
  const present = state.routes ? candidates.filter((c) => state.posts?.has(c)) : candidates;
  if (!present.length) throw new MissingEndpoint(what, candidates);
  return api(present[0], {}, { method: 'POST', body });
}

// The routes each panel reads (G's contracts in src/contracts/). A route this server does not
// document in /openapi.json leaves its panel with a "not available" explanation.
const R = {
  forecast: ['/v1/forecasts'],
  backtest: ['/v1/forecasts/backtest'],
  runRate: ['/v1/forecasts/run-rate'],
  changes: ['/v1/forecasts/changes'],
  deals: ['/v1/deals/scores'],
  deal: ['/v1/deals/{id}/score'],
  whatIf: ['/v1/deals/what-if'],
  customers: ['/v1/customers/scores'],
  customer: ['/v1/customers/{id}/score'],
  clientProfit: ['/v1/clients/{id}/profitability'],
  models: ['/v1/models'],
  funnel: ['/v1/reports/funnel'],
  pareto: ['/v1/reports/pareto'],
  profitability: ['/v1/reports/profitability'],
  cohorts: ['/v1/reports/cohorts'],
};

// ───────────────────────────── panels: frame and empty states ─────────────────────────────

function panelBody(id) {
  return document.querySelector(`#${id} [data-slot="body"]`);
}
function emptyState(title, ...lines) {
  return h('div', { class: 'empty' }, h('div', { class: 'empty-title' }, title), ...lines.filter(Boolean).map((l) => h('p', {}, l)));
}
/** "Run `x`" with the command set in code. */
function cmd(text, command, after = '') {
  return h('span', {}, text, ' ', h('code', {}, command), after);
}

/** How to explain a failure in a panel, with the hint for that panel. */
function failure(e, hint) {
  if (e instanceof MissingEndpoint) return emptyState('Not available on this server yet', e.message, hint?.missing);
  if (e instanceof ApiError) {
    if (e.status === 422) return emptyState('Not enough data or no trained model', e.message, hint?.untrained);
    if (e.status === 403)
      return emptyState(
        'Your key cannot read this',
        e.message,
        hint?.forbidden ?? 'An operator can create a key with the scope it names: npx salescast keys create.',
      );
    if (e.status === 404) return emptyState('Nothing to show', e.message, hint?.empty);
    if (e.status === 503) return emptyState('Not ready yet', e.message, hint?.untrained);
    return emptyState('Could not load this panel', `${e.message}${e.requestId ? ` (request ${e.requestId})` : ''}`);
  }
  return emptyState('Could not load this panel', e instanceof Error ? e.message : String(e));
}

const pendingPanels = [];
function panel(id, load, hint) {
  const p = fillPanel(id, load, hint);
  pendingPanels.push(p);
  return p;
}
async function fillPanel(id, load, hint) {
  const body = panelBody(id);
  try {
    const content = await load();
    body.replaceChildren(...[content].flat().filter(Boolean));
  } catch (e) {
    body.replaceChildren(failure(e, hint));
  }
}

// Getters: a DOM node lives in one place, so every use gets its own copy (the same hint can show in
// a panel and in a drawer at once).
const HINTS = {
  get demo() {
    return cmd('Load demo data with', 'npx salescast demo', '.');
  },
  get win() {
    return h(
      'span',
      {},
      'Train the deal-win model with ',
      h('code', {}, 'npx salescast train win'),
      ', then store scores with ',
      h('code', {}, 'npx salescast score deals'),
      '.',
    );
  },
  get customers() {
    return h(
      'span',
      {},
      'Train the customer models with ',
      h('code', {}, 'npx salescast train churn'),
      ' and ',
      h('code', {}, 'npx salescast train clv'),
      ', then ',
      h('code', {}, 'npx salescast score customers'),
      '.',
    );
  },
};

// ───────────────────────────── periods ─────────────────────────────

function quarterOf(d) {
  return { year: d.getUTCFullYear(), q: Math.floor(d.getUTCMonth() / 3) + 1 };
}
const quarterKey = ({ year, q }) => `${year}-Q${q}`;
function shiftQuarter({ year, q }, n) {
  const i = year * 4 + (q - 1) + n;
  return { year: Math.floor(i / 4), q: (i % 4) + 1 };
}
function periodLabel(p) {
  if (!p) return '';
  if (typeof p === 'string') return p.replace(/^(\d{4})-Q(\d)$/, 'Q$2 $1');
  const key = pick(p, 'key', 'label', 'name', 'id');
  if (typeof key === 'string') return periodLabel(key);
  const start = toDate(pick(p, 'start', 'from'));
  return start ? start.toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }) : '';
}

// ───────────────────────────── adapters (API answer → what a panel draws) ─────────────────────────────

/**
 * One period's forecast (GET /v1/forecasts): the Monte Carlo total band, won to date, open
 * pipeline and new business, the stage-weighted pipeline, the reps' categories roll-up and the
 * per-group breakdown (model band, won, commit and best-case calls, disagreement flag).
 */
function readForecast(res) {
  if (!res) return null;
  if (typeof res.currency === 'string') noteCurrency(res.currency);
  const total = res.total ?? {};
  const cats = res.categories ?? {};
  const groups = {};
  for (const [dim, rows] of Object.entries(res.breakdown ?? {})) {
    groups[dim] = list(rows).map((g) => ({
      key: String(g.key ?? '(none)'),
      expected: num(g.expected),
      p10: num(g.p10),
      p90: num(g.p90),
      won: num(g.wonToDate),
      openDeals: num(g.openDeals),
      stageWeighted: num(g.stageWeighted),
      commit: num(g.commitCall),
      bestCase: num(g.bestCaseCall),
      disagreement: g.disagreement ?? null,
    }));
  }
  return {
    period: res.period,
    asOf: res.asOf,
    scorer: res.scorer,
    scorerNote: res.scorerNote,
    expected: num(total.expected),
    p10: num(total.p10),
    p50: num(total.p50),
    p90: num(total.p90),
    wonToDate: num(res.wonToDate),
    openExpected: pnum(res, 'openPipeline.expected'),
    openDeals: pnum(res, 'openPipeline.deals'),
    newBusiness: pnum(res, 'newBusiness.expected'),
    stageWeighted: num(res.stageWeighted),
    commit: num(cats.commitCall),
    bestCase: num(cats.bestCaseCall),
    pipelineCall: num(cats.pipelineCall),
    groups,
  };
}

function readDeal(d) {
  const factors = list(pick(d, 'factors', 'score.factors', 'reasons') ?? []);
  return {
    id: String(pick(d, 'externalId', 'id', 'dealId') ?? ''),
    name: pick(d, 'name', 'title', 'opportunity', 'externalId', 'id'),
    account: pick(d, 'account.name', 'accountName', 'account'),
    rep: pick(d, 'rep.name', 'repName', 'rep', 'owner'),
    stage: pick(d, 'stage'),
    amount: pnum(d, 'amount'),
    win: pnum(d, 'winProbability', 'score.winProbability', 'probability', 'score'),
    expectedClose: pick(d, 'expectedCloseAt', 'expectedClose', 'timing.expectedCloseAt', 'expectedCloseDate', 'score.expectedCloseAt'),
    slip: pnum(d, 'slipProbability', 'slipRisk', 'timing.slipProbability', 'score.slipProbability'),
    category: pick(d, 'forecastCategory', 'category'),
    modelVersion: pick(d, 'modelVersion', 'model.version', 'score.modelVersion'),
    fallback: pick(d, 'fallback', 'usedFallback', 'score.fallback'),
    factors: factors.map((f) => ({
      feature: pick(f, 'feature', 'name'),
      value: pick(f, 'value'),
      effect: pnum(f, 'effect', 'contribution', 'weight'),
      text: pick(f, 'text', 'description', 'reason'),
    })),
  };
}

function readCustomer(c) {
  const top = pick(c, 'topFactor');
  const factors = top ? [top] : list(pick(c, 'factors', 'churn.factors', 'reasons') ?? []);
  return {
    id: String(pick(c, 'externalId', 'id', 'accountId') ?? ''),
    name: pick(c, 'name', 'accountName', 'externalId', 'id'),
    segment: pick(c, 'segment', 'industry'),
    churn: pnum(c, 'churnProbability', 'churn.probability', 'churn'),
    alive: pnum(c, 'probabilityAlive', 'pAlive', 'clv.probabilityAlive', 'alive'),
    clv: pnum(c, 'clv', 'customerLifetimeValue', 'clv.value', 'lifetimeValue'),
    rfm: pick(c, 'rfmSegment', 'rfm.segment', 'segmentRfm'),
    status: pick(c, 'status'),
    factors: factors.map((f) => ({
      feature: pick(f, 'feature', 'name'),
      effect: pnum(f, 'effect', 'contribution'),
      text: pick(f, 'text', 'description'),
    })),
  };
}

// ───────────────────────────── header ─────────────────────────────

function setKpi(name, value, sub, extra) {
  const el = document.querySelector(`[data-kpi="${name}"]`);
  el.querySelector('[data-slot="value"]').replaceChildren(value instanceof Node ? value : document.createTextNode(value));
  el.querySelector('[data-slot="sub"]').replaceChildren(
    ...[sub]
      .flat()
      .filter(Boolean)
      .map((x) => (x instanceof Node ? x : document.createTextNode(x))),
  );
  const band = el.querySelector('[data-slot="band"]');
  if (band) band.replaceChildren(...(extra ? [extra] : []));
}
const kpiEmpty = (text) => h('span', { class: 'kpi-empty' }, text);

function renderForecastKpis(fc, qLabel) {
  document.querySelector('[data-kpi="forecast"] [data-slot="period"]').textContent = qLabel;
  if (!fc || !finite(fc.expected)) {
    setKpi('forecast', kpiEmpty('No forecast yet'), 'The forecast endpoint did not answer; see the panel below.');
    return;
  }
  const max = Math.max(fc.p90 ?? 0, fc.commit ?? 0, fc.expected) * 1.05;
  setKpi(
    'forecast',
    money(fc.expected),
    [
      h('span', {}, 'P10–P90 '),
      h('strong', {}, `${money(fc.p10, { compact: true })} – ${money(fc.p90, { compact: true })}`),
      finite(fc.commit) ? h('span', {}, ` · reps' commit ${money(fc.commit, { compact: true })}`) : null,
    ],
    rangeBar({
      p10: fc.p10,
      p90: fc.p90,
      expected: fc.expected,
      won: fc.wonToDate,
      commit: fc.commit,
      max,
      money,
      width: 320,
      height: 18,
      fluid: true,
    }),
  );
  if (finite(fc.wonToDate)) {
    const share = finite(fc.expected) && fc.expected > 0 ? fc.wonToDate / fc.expected : undefined;
    setKpi('won', money(fc.wonToDate), finite(share) ? `${pct(share)} of the expected quarter` : qLabel);
  }
}

function renderModelsMeta(models) {
  const holder = document.getElementById('models');
  if (!models?.length) {
    holder.replaceChildren(
      h(
        'span',
        { class: 'chip off', title: 'No active model: scores fall back to stage win rates' },
        h('span', { class: 'dot' }),
        'no active models',
      ),
    );
    return;
  }
  holder.replaceChildren(
    ...models.map((m) =>
      h(
        'span',
        {
          class: 'chip',
          title: `${m.name} v${m.version}${m.algorithm ? ` (${m.algorithm})` : ''}${m.trainedAt ? `, trained ${fmtDate(m.trainedAt)}` : ''}`,
        },
        h('span', { class: 'dot' }),
        `${m.name} v${m.version ?? '?'}`,
      ),
    ),
  );
}

function setAsOf(asOf) {
  const d = toDate(asOf);
  if (d) state.asOf = d;
  document.getElementById('asof').textContent = d ? `As of ${fmtDate(d)}` : 'As of today';
}

// ───────────────────────────── forecast panels ─────────────────────────────

/** Past periods (GET /v1/forecasts/backtest): each forecast as of the period's start vs the actual. */
function readBacktest(res) {
  if (typeof res?.currency === 'string') noteCurrency(res.currency);
  return list(res, 'periods').map((r) => ({
    label: periodLabel(r.period),
    actual: num(r.actual),
    expected: pnum(r, 'monteCarlo.expected'),
    p10: pnum(r, 'monteCarlo.p10'),
    p90: pnum(r, 'monteCarlo.p90'),
    stageWeighted: num(r.stageWeighted),
    commit: num(r.commitCall),
  }));
}
function readAccuracy(res) {
  const m = res?.metrics;
  return m ? { monteCarlo: m.monteCarlo, stageWeighted: m.stageWeighted, commitCall: m.commitCall, runRate: m.runRate } : null;
}

function forecastPanel({ current, next, backtest }) {
  const legend = document.querySelector('#panel-forecast [data-slot="legend"]');
  legend.replaceChildren(
    h('span', {}, h('i', { class: 'sw sw-actual' }), 'Actual'),
    h('span', {}, h('i', { class: 'sw sw-model' }), 'Forecast'),
    h('span', {}, h('i', { class: 'sw sw-band' }), 'P10–P90'),
    h('span', {}, h('i', { class: 'sw sw-stage' }), 'Stage-weighted'),
    h('span', {}, h('i', { class: 'sw sw-commit' }), "Reps' commit"),
  );
  const periods = [];
  const past = backtest.ok ? readBacktest(backtest.value) : [];
  for (const p of past.slice(-6)) periods.push(p);
  for (const [fc, isCurrent] of [
    [current, true],
    [next, false],
  ]) {
    if (!fc || !finite(fc.expected)) continue;
    periods.push({
      label: periodLabel(fc.period) || (isCurrent ? 'This quarter' : 'Next quarter'),
      actual: fc.wonToDate,
      expected: fc.expected,
      p10: fc.p10,
      p90: fc.p90,
      stageWeighted: fc.stageWeighted,
      commit: fc.commit,
      current: isCurrent,
      note: isCurrent ? 'Current period (in progress)' : 'Next period',
    });
  }
  if (!periods.length) {
    if (!backtest.ok && !current) throw backtest.error;
    return emptyState('No forecast to draw yet', HINTS.demo);
  }
  const out = [forecastChart(periods, { money, height: 300 })];
  const notes = [];
  if (current?.scorer) notes.push(`This quarter's open deals scored by ${current.scorer}.`);
  if (current?.scorerNote)
    notes.push(current.scorerNote.replace(/^./, (c) => c.toUpperCase()) + (/[.!]$/.test(current.scorerNote) ? '' : '.'));
  if (past.length)
    notes.push(
      `Past quarters: the forecast as of each quarter's first day${backtest.value?.scorer ? ` (${backtest.value.scorer})` : ''}, against what was actually won.`,
    );
  if (notes.length) out.push(h('p', { class: 'muted small' }, notes.join(' ')));
  if (!backtest.ok) {
    out.push(
      h(
        'p',
        { class: 'muted small' },
        backtest.error instanceof MissingEndpoint
          ? 'Past periods appear here once the server serves forecast backtests.'
          : `Past periods unavailable: ${backtest.error.message}`,
      ),
    );
  } else if (!past.length) {
    out.push(h('p', { class: 'muted small' }, 'No past periods to compare yet: backtests need closed history.'));
  }
  return out;
}

/** "2026-03" → "Mar 2026" (and "Mar" for the axis). */
function monthLabels(key) {
  const d = toDate(`${key}-01T00:00:00Z`);
  if (!d) return { label: String(key), shortLabel: String(key) };
  return {
    label: d.toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }),
    shortLabel: d.getUTCMonth() === 0 ? String(d.getUTCFullYear()) : d.toLocaleDateString('en-US', { month: 'short', timeZone: 'UTC' }),
  };
}

const RUN_RATE_METHODS = {
  'holt-winters-additive': 'Holt-Winters (additive seasonality)',
  'holt-winters-multiplicative': 'Holt-Winters (multiplicative seasonality)',
  'trend-seasonal': 'linear trend × seasonal indices',
  trend: 'linear trend of the last 12 months',
  mean: 'the monthly mean',
};

/** Run-rate (GET /v1/forecasts/run-rate): monthly bookings history, then the forecast with its 80% range. */
function runRatePanel(res) {
  if (typeof res?.currency === 'string') noteCurrency(res.currency);
  const history = list(res?.bookings, 'history').slice(-12);
  const fc = res?.bookings?.forecast ?? {};
  const months = list(res, 'months');
  const mean = list(fc, 'mean');
  const lo = fc.lo?.[80] ?? fc.lo?.['80'] ?? [];
  const hi = fc.hi?.[80] ?? fc.hi?.['80'] ?? [];
  if (!history.length && !mean.length) return emptyState('No bookings history yet', HINTS.demo);
  const periods = [
    ...history.map((r) => ({ ...monthLabels(r.month), actual: num(r.value) })),
    ...months.map((m, k) => ({
      ...monthLabels(m),
      expected: num(mean[k]),
      p10: finite(num(lo[k])) ? Math.max(0, num(lo[k])) : undefined,
      p90: num(hi[k]),
      note: 'Run-rate forecast',
    })),
  ];
  const out = [
    forecastChart(periods, {
      money,
      width: 1160,
      height: 250,
      ariaLabel: 'Monthly bookings: the last twelve months and the run-rate forecast',
      labelEvery: periods.length > 16 ? 2 : 1,
    }),
  ];
  const sum = fc.sum;
  const notes = [];
  if (finite(num(sum?.mean)) && months.length) {
    notes.push(`Next ${months.length} months: ${money(sum.mean)} expected (P10–P90 ${money(sum.p10)} – ${money(sum.p90)}).`);
  }
  if (typeof fc.method === 'string') notes.push(`Method: ${RUN_RATE_METHODS[fc.method] ?? fc.method}, chosen on the history itself.`);
  if (notes.length) out.push(h('p', { class: 'muted small' }, notes.join(' ')));
  return out;
}

function methodsPanel(fc, backtest) {
  if (!fc || !finite(fc.expected)) return emptyState('No forecast for this quarter yet', HINTS.demo);
  const rows = [
    { name: 'Model', sub: 'Monte Carlo, expected', value: fc.expected, color: COLORS.accent, p10: fc.p10, p90: fc.p90 },
    { name: 'Stage-weighted', sub: 'amount × stage win rate', value: fc.stageWeighted, color: COLORS.stage },
    { name: "Reps' commit", sub: 'closed + commit', value: fc.commit, color: COLORS.commit },
    { name: 'Best case', sub: 'commit + best case', value: fc.bestCase, color: '#f59e0b' },
  ].filter((r) => finite(r.value));
  const max = Math.max(...rows.map((r) => Math.max(r.value, r.p90 ?? 0))) * 1.05;
  const out = [
    h(
      'div',
      { class: 'views' },
      rows.map((r) =>
        h(
          'div',
          { class: 'view-row' },
          h('div', { class: 'view-name' }, r.name, h('small', {}, r.sub)),
          valueBar({ value: r.value, max, color: r.color, p10: r.p10, p90: r.p90 }),
          h('div', { class: 'view-val' }, money(r.value, { compact: true })),
        ),
      ),
    ),
  ];
  if (finite(fc.commit) && finite(fc.p10) && finite(fc.p90)) {
    const gap = fc.commit - fc.expected;
    const outside = fc.commit < fc.p10 ? 'below' : fc.commit > fc.p90 ? 'above' : null;
    out.push(
      h(
        'div',
        { class: 'callout' },
        outside
          ? [
              h('strong', {}, `Commit is ${outside} the model's range. `),
              `The reps call ${money(Math.abs(gap), { compact: true })} ${gap < 0 ? 'less' : 'more'} than the model expects; see the rep table for where.`,
            ]
          : [
              h('strong', {}, 'Commit is within the model\u2019s range. '),
              `The difference is ${money(Math.abs(gap), { compact: true })} ${gap < 0 ? 'below' : 'above'} the expected value.`,
            ],
      ),
    );
  }
  if (backtest?.ok) {
    const acc = readAccuracy(backtest.value);
    const mc = acc?.monteCarlo;
    const sw = acc?.stageWeighted;
    const mape = (m) => pnum(m ?? {}, 'mape');
    if (mc && finite(mape(mc))) {
      const coverage = pnum(mc, 'coverage');
      out.push(
        h(
          'p',
          { class: 'muted small' },
          `Backtest: model error ${fixed(mape(mc), 1)}% MAPE`,
          finite(mape(sw)) ? ` vs ${fixed(mape(sw), 1)}% for the stage-weighted pipeline` : '',
          finite(coverage) ? `; actuals fell inside P10–P90 in ${pct(coverage)} of periods.` : '.',
        ),
      );
    }
  }
  if (finite(fc.newBusiness) && fc.newBusiness > 0)
    out.push(h('p', { class: 'muted small' }, `Includes ${money(fc.newBusiness, { compact: true })} expected from deals not created yet.`));
  return out;
}

const DIM_LABELS = { rep: 'Rep', team: 'Team', region: 'Region', product: 'Product', segment: 'Segment' };

function repsPanel(fc) {
  if (!fc) return emptyState('No forecast yet', HINTS.demo);
  const dims = Object.keys(DIM_LABELS).filter((d) => fc.groups[d]?.length);
  if (!dims.length) return emptyState('No breakdown in the forecast', 'The forecast answered without per-rep groups.', HINTS.demo);
  const tabs = document.querySelector('#panel-reps [data-slot="dims"]');
  const holder = h('div', { class: 'table-wrap' });
  const show = (dim) => {
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b.dataset.dim === dim));
    holder.replaceChildren(groupTable(fc.groups[dim], DIM_LABELS[dim]));
  };
  tabs.replaceChildren(
    ...dims.map((d) => h('button', { type: 'button', role: 'tab', dataset: { dim: d }, onclick: () => show(d) }, DIM_LABELS[d])),
  );
  show(dims[0]);
  return holder;
}

// ───────────────────────────── funnel and win rates ─────────────────────────────

const FUNNEL_DIMS = ['rep', 'source', 'segment', 'product', 'region'];
const FUNNEL_LABELS = { rep: 'Rep', source: 'Source', segment: 'Segment', product: 'Product', region: 'Region' };

/**
 * GET /v1/reports/funnel over deals closed in the last 12 months: how many deals reached each
 * stage, how many of those went on, and the days spent there; then win rate, deal size, cycle and
 * bookings per rep (or source, segment, product, region). A group whose 95% interval lies wholly
 * above or below the overall win rate is marked: that difference is not luck.
 */
function funnelPanel(res) {
  const stages = list(pick(res, 'stages') ?? []).filter((x) => x.stage);
  const summary = pick(res, 'summary') ?? {};
  const deals = pnum(summary, 'deals');
  if (!stages.length || !deals) return emptyState('No closed deals in the last 12 months', HINTS.demo);
  const overall = pnum(summary, 'winRate.estimate');
  const top = Math.max(1, ...stages.map((x) => pnum(x, 'reached') ?? 0));
  const funnel = h(
    'ol',
    { class: 'funnel' },
    stages.map((x) => {
      const reached = pnum(x, 'reached') ?? 0;
      const won = x.stage === 'won';
      const fillEl = h('span', { class: `funnel-fill${won ? ' won' : ''}` });
      fillEl.style.width = `${Math.max(1, (reached / top) * 100)}%`;
      const conv = pnum(x, 'conversionToNext');
      const days = pnum(x, 'averageDaysInStage');
      return h(
        'li',
        {},
        h('div', { class: 'funnel-stage' }, won ? 'Won' : x.stage),
        h('div', { class: 'funnel-track' }, fillEl),
        h(
          'div',
          { class: 'funnel-figures' },
          h('strong', {}, int(reached)),
          won
            ? ` (${pct(reached / deals, 1)} of ${int(deals)})`
            : [finite(conv) ? ` · ${pct(conv)} go on` : '', finite(days) ? ` · ${fixed(days, 0)} days` : ''],
        ),
      );
    }),
  );
  const breakdowns = new Map(list(pick(res, 'breakdowns') ?? []).map((b) => [b.by, list(b.rows ?? [])]));
  const dims = FUNNEL_DIMS.filter((d) => breakdowns.get(d)?.length);
  const holder = h('div', { class: 'table-wrap' });
  const tabs = h('div', { class: 'seg', role: 'tablist', 'aria-label': 'Win rate by' });
  const show = (dim) => {
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b.dataset.dim === dim));
    holder.replaceChildren(winRateTable(breakdowns.get(dim), FUNNEL_LABELS[dim], overall));
  };
  tabs.replaceChildren(
    ...dims.map((d) => h('button', { type: 'button', role: 'tab', dataset: { dim: d }, onclick: () => show(d) }, FUNNEL_LABELS[d])),
  );
  if (dims.length) show(dims[0]);
  const cycle = pnum(summary, 'averageCycleDays');
  return h(
    'div',
    { class: 'split' },
    h(
      'div',
      {},
      h('h3', {}, `Stages reached by the ${int(deals)} deals closed in the last 12 months`),
      funnel,
      h(
        'p',
        { class: 'muted small' },
        `Win rate ${pct(overall, 1)}${finite(cycle) ? `, ${fixed(cycle, 0)} days from creation to close on average` : ''}. "Go on": share of the deals that reached a stage and moved further.`,
      ),
    ),
    h(
      'div',
      {},
      h('div', { class: 'split-head' }, h('h3', {}, 'Win rate and deal size'), dims.length > 1 ? tabs : null),
      dims.length ? holder : h('p', { class: 'muted small' }, 'No breakdown in the report.'),
    ),
  );
}

function winRateTable(rows, label, overall) {
  const columns = [
    { key: 'group', label, get: (r) => r.group, render: (r) => r.group ?? '(none)' },
    { key: 'deals', label: 'Closed', num: true, get: (r) => pnum(r, 'deals'), render: (r) => int(pnum(r, 'deals')) },
    {
      key: 'win',
      label: 'Win rate (95% CI)',
      num: true,
      get: (r) => pnum(r, 'winRate.estimate'),
      render: (r) => {
        const est = pnum(r, 'winRate.estimate');
        const lo = pnum(r, 'winRate.lo');
        const hi = pnum(r, 'winRate.hi');
        const side = finite(overall) && finite(lo) && finite(hi) ? (lo > overall ? 'above' : hi < overall ? 'below' : null) : null;
        return h(
          'span',
          {
            class: `ci ${side ? `ci-${side}` : ''}`,
            title: side
              ? `The whole 95% interval is ${side} the overall ${pct(overall, 1)}: not luck.`
              : 'Not distinguishable from the overall rate at 95%.',
          },
          pct(est, 0),
          finite(lo) ? h('span', { class: 'muted small' }, ` ${pct(lo, 0)}–${pct(hi, 0)}`) : null,
          // An invisible marker keeps the figures aligned in rows without one.
          h(
            'span',
            {
              class: `pill ${side === 'above' ? 'pill-good' : side === 'below' ? 'pill-bad' : 'pill-spacer'}`,
              'aria-hidden': side ? undefined : 'true',
            },
            side === 'below' ? '▼' : '▲',
          ),
        );
      },
    },
    {
      key: 'size',
      label: 'Avg won deal',
      num: true,
      get: (r) => pnum(r, 'averageWonDealSize'),
      render: (r) => money(pnum(r, 'averageWonDealSize'), { compact: true }),
    },
    {
      key: 'cycle',
      label: 'Cycle (days)',
      num: true,
      get: (r) => pnum(r, 'averageCycleDays'),
      render: (r) => fixed(pnum(r, 'averageCycleDays'), 0),
    },
    {
      key: 'won',
      label: 'Won',
      num: true,
      get: (r) => pnum(r, 'wonAmount'),
      render: (r) => money(pnum(r, 'wonAmount'), { compact: true }),
    },
  ];
  return sortableTable(rows, columns, { initial: { key: 'won', desc: true } });
}

// ───────────────────────────── pipeline changes ─────────────────────────────

const CHANGE_KINDS = {
  new: { label: 'New', pill: 'pill-good' },
  pulled_in: { label: 'Pulled in', pill: 'pill-good' },
  amount_change: { label: 'Amount', pill: 'pill-neutral' },
  pushed_out: { label: 'Pushed out', pill: 'pill-warn' },
  won: { label: 'Won', pill: 'pill-accent' },
  lost: { label: 'Lost', pill: 'pill-bad' },
};
const CHANGE_ORDER = ['new', 'pulled_in', 'amount_change', 'pushed_out', 'won', 'lost'];

/**
 * GET /v1/forecasts/changes (the two latest snapshots): the pipeline expected to close in the
 * earlier snapshot's period, then and now, as a waterfall (new, pulled in, amount changes, pushed
 * out, won, lost), and the deals that moved it most.
 */
function changesPanel(res) {
  const from = pick(res, 'from') ?? {};
  const to = pick(res, 'to') ?? {};
  const start = pnum(res, 'start');
  const end = pnum(res, 'end');
  const steps = new Map(list(pick(res, 'steps') ?? []).map((x) => [x.kind, x]));
  if (!finite(start) || !finite(end)) return emptyState('No pipeline changes to show', 'The snapshots answered without a pipeline total.');
  const when = (snap) => fmtDate(pick(snap, 'asOf', 'takenAt'));
  const bars = [
    {
      label: when(from),
      sub: 'pipeline',
      value: start,
      total: true,
      title: `Pipeline expected to close in ${periodLabel(pick(from, 'period'))}, as of ${when(from)}: ${money(start)}`,
    },
    ...CHANGE_ORDER.map((k) => {
      const st = steps.get(k) ?? { deals: 0, amount: 0 };
      // Won deals leave the open pipeline too, but for the best reason: not drawn as a loss.
      return {
        label: CHANGE_KINDS[k].label,
        sub: `${int(st.deals)} deal${st.deals === 1 ? '' : 's'}`,
        value: pnum(st, 'amount') ?? 0,
        color: k === 'won' ? COLORS.accent : undefined,
        title: `${CHANGE_KINDS[k].label}: ${int(st.deals)} deals, ${money(pnum(st, 'amount'))}`,
      };
    }),
    { label: when(to), sub: 'pipeline', value: end, total: true, title: `The same window as of ${when(to)}: ${money(end)}` },
  ];
  const changes = list(pick(res, 'changes') ?? [])
    .filter((c) => finite(pnum(c, 'delta')))
    .sort((a, b) => Math.abs(pnum(b, 'delta')) - Math.abs(pnum(a, 'delta')))
    .slice(0, 8);
  const stageMove = (c) => {
    const a = pick(c, 'from.stage');
    const b = pick(c, 'to.stage');
    if (a && b && a !== b) return `${a} → ${b}`;
    return a ?? b ?? '';
  };
  const delta = end - start;
  return [
    h(
      'p',
      { class: 'muted small' },
      `Open pipeline expected to close in ${periodLabel(pick(from, 'period'))}: ${money(start, { compact: true })} on ${when(from)}, ${money(end, { compact: true })} on ${when(to)} (`,
      h('strong', { class: delta < 0 ? 'neg' : '' }, signedMoney(delta)),
      ').',
    ),
    waterfallChart(bars, { money }),
    changes.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data' },
            h(
              'thead',
              {},
              h('tr', {}, h('th', {}, 'Largest changes'), h('th', {}, 'Change'), h('th', {}, 'Stage'), h('th', { class: 'num' }, 'Effect')),
            ),
            h(
              'tbody',
              {},
              changes.map((c) => {
                const k = CHANGE_KINDS[c.kind] ?? { label: c.kind, pill: 'pill-neutral' };
                const d = pnum(c, 'delta');
                const name = pick(c, 'name');
                return h(
                  'tr',
                  {},
                  h(
                    'td',
                    {},
                    h('div', { class: 'cell-main' }, name ?? pick(c, 'externalId') ?? '—'),
                    name ? h('div', { class: 'cell-sub' }, pick(c, 'externalId')) : null,
                  ),
                  h('td', {}, h('span', { class: `pill ${k.pill}` }, k.label)),
                  h('td', { class: 'muted' }, stageMove(c)),
                  h('td', { class: `num ${d < 0 && c.kind !== 'won' ? 'neg' : ''}` }, signedMoney(d)),
                );
              }),
            ),
          ),
        )
      : null,
    h(
      'p',
      { class: 'muted small' },
      'Snapshots are stored by ',
      h('code', {}, 'npx salescast forecast snapshot'),
      ' (run it weekly from cron); this compares the two latest.',
    ),
  ];
}

function groupTable(rows, label) {
  const sorted = [...rows].sort((a, b) => (b.expected ?? 0) - (a.expected ?? 0));
  const max = Math.max(1, ...sorted.map((r) => Math.max(r.p90 ?? 0, r.commit ?? 0, r.expected ?? 0))) * 1.04;
  const flagged = (r) => r.disagreement || (finite(r.commit) && finite(r.p10) && finite(r.p90) && (r.commit < r.p10 || r.commit > r.p90));
  const direction = (r) =>
    r.disagreement ? String(r.disagreement).replace('-model', '') : finite(r.commit) && r.commit < r.p10 ? 'below' : 'above';
  const sum = (k) => sorted.reduce((a, r) => a + (finite(r[k]) ? r[k] : 0), 0);
  return h(
    'table',
    { class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, label),
        h('th', { class: 'num' }, 'Won'),
        h('th', { class: 'num' }, 'Commit'),
        h('th', { class: 'num' }, 'Best case'),
        h('th', { class: 'num' }, 'Model expected'),
        h('th', { class: 'num' }, 'Model P10–P90'),
        h('th', {}, 'Range'),
        h('th', {}, ''),
      ),
    ),
    h(
      'tbody',
      {},
      sorted.map((r) =>
        h(
          'tr',
          { class: flagged(r) ? 'flag' : '' },
          h('td', { class: 'cell-main' }, r.key),
          h('td', { class: 'num' }, money(r.won)),
          h('td', { class: 'num' }, money(r.commit)),
          h('td', { class: 'num' }, money(r.bestCase)),
          h('td', { class: 'num' }, h('strong', {}, money(r.expected))),
          h('td', { class: 'num muted' }, finite(r.p10) ? `${money(r.p10, { compact: true })} – ${money(r.p90, { compact: true })}` : '—'),
          h('td', {}, rangeBar({ p10: r.p10, p90: r.p90, expected: r.expected, won: r.won, commit: r.commit, max, money })),
          h(
            'td',
            {},
            flagged(r)
              ? h(
                  'span',
                  { class: `pill ${direction(r) === 'below' ? 'pill-warn' : 'pill-bad'}` },
                  direction(r) === 'below' ? 'Commit below model' : 'Commit above model',
                )
              : finite(r.commit)
                ? h('span', { class: 'pill pill-neutral' }, 'Aligned')
                : h('span', { class: 'muted small' }, 'no call'),
          ),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('td', { title: 'Sum of the groups; expected new business is not allocated to groups' }, 'Total'),
        h('td', { class: 'num' }, money(sum('won'))),
        h('td', { class: 'num' }, money(sum('commit'))),
        h('td', { class: 'num' }, money(sum('bestCase'))),
        h('td', { class: 'num' }, money(sum('expected'))),
        h('td', {}),
        h('td', {}),
        h('td', {}),
      ),
    ),
  );
}

// ───────────────────────────── deals ─────────────────────────────

function probBar(p, risk = false) {
  const fillEl = h('span', { class: `bar-fill${risk ? ' risk' : ''}` });
  fillEl.style.width = `${Math.round(Math.max(0, Math.min(1, p ?? 0)) * 100)}%`;
  return h('span', { class: 'bar' }, pct(p), h('span', { class: 'bar-track' }, fillEl));
}
function slipPill(p) {
  if (!finite(p)) return h('span', { class: 'muted' }, '—');
  const cls = p >= 0.6 ? 'pill-bad' : p >= 0.35 ? 'pill-warn' : 'pill-good';
  return h('span', { class: `pill ${cls}` }, pct(p));
}
/** The strongest factor's text; green when it helps (raises win odds, or lowers churn risk). */
function topReason(factors, { positiveIsBad = false } = {}) {
  const f = [...(factors ?? [])].filter((x) => x.text).sort((a, b) => Math.abs(b.effect ?? 0) - Math.abs(a.effect ?? 0))[0];
  if (!f) return h('span', { class: 'muted' }, '—');
  const bad = positiveIsBad ? (f.effect ?? 0) > 0 : (f.effect ?? 0) < 0;
  return h('div', { class: `reason ${bad ? 'reason-neg' : 'reason-pos'}`, title: f.text }, f.text);
}

/** A table sortable by clicking its headers. columns: [{ key, label, num?, get, render }] */
function sortableTable(rows, columns, { initial, onRow } = {}) {
  let sortKey = initial?.key ?? columns[0].key;
  let desc = initial?.desc ?? true;
  const tbody = h('tbody');
  const headRow = h('tr');
  const draw = () => {
    const col = columns.find((c) => c.key === sortKey);
    const sorted = [...rows].sort((a, b) => {
      const va = col.get(a);
      const vb = col.get(b);
      if (va === vb) return 0;
      if (va === undefined || va === null) return 1;
      if (vb === undefined || vb === null) return -1;
      const r = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return desc ? -r : r;
    });
    tbody.replaceChildren(
      ...sorted.map((r) =>
        h(
          'tr',
          onRow ? { class: 'clickable', tabindex: 0, onclick: () => onRow(r), onkeydown: (e) => e.key === 'Enter' && onRow(r) } : {},
          columns.map((c) => h('td', { class: c.num ? 'num' : (c.cls ?? '') }, c.render(r))),
        ),
      ),
    );
    for (const th of headRow.children) {
      const active = th.dataset.key === sortKey;
      th.querySelector('.arrow').textContent = active ? (desc ? '↓' : '↑') : '';
      th.setAttribute('aria-sort', active ? (desc ? 'descending' : 'ascending') : 'none');
    }
  };
  headRow.append(
    ...columns.map((c) =>
      h(
        'th',
        {
          class: `${c.num ? 'num ' : ''}${c.sortable === false ? '' : 'sortable'}`,
          dataset: { key: c.key },
          onclick: () => {
            if (c.sortable === false) return;
            if (sortKey === c.key) desc = !desc;
            else {
              sortKey = c.key;
              desc = c.num ?? false;
            }
            draw();
          },
        },
        c.label,
        ' ',
        h('span', { class: 'arrow' }),
      ),
    ),
  );
  draw();
  return h('div', { class: 'table-wrap table-scroll' }, h('table', { class: 'data' }, h('thead', {}, headRow), tbody));
}

const PAGE = 500;
/** Every open deal's stored score (GET /v1/deals/scores), largest first; pages up to a bound. */
async function loadOpenDeals() {
  const first = await call('deal scores', R.deals, { sort: '-amount', limit: PAGE });
  const rows = list(first, 'items', 'scores').map(readDeal);
  const total = pnum(first, 'page.total') ?? rows.length;
  // The open-pipeline KPI needs every amount: read further pages, at most 20 in all.
  for (let offset = rows.length, n = 1; offset < total && n < 20; offset += PAGE, n++) {
    const more = await call('deal scores', R.deals, { sort: '-amount', limit: PAGE, offset });
    const items = list(more, 'items').map(readDeal);
    if (!items.length) break;
    rows.push(...items);
  }
  return { rows, total, amount: rows.reduce((a, r) => a + (r.amount ?? 0), 0), complete: rows.length >= total };
}

async function loadDeals(openDealsP) {
  const r = await openDealsP;
  if (!r.ok) throw r.error;
  const { total } = r.value;
  state.stages = pipelineStages(r.value.rows);
  const rows = r.value.rows.slice(0, 200);
  if (!rows.length)
    return emptyState(
      'No scored open deals',
      cmd('Deal scores are stored by a batch job: run', 'npx salescast score deals', '.'),
      'With no trained model it scores from stage win rates; train one first for calibrated scores and reasons.',
    );
  const tools = document.querySelector('#panel-deals [data-slot="tools"]');
  tools.replaceChildren(
    h(
      'span',
      { class: 'muted small' },
      total > rows.length ? `${int(rows.length)} largest of ${int(total)} open deals` : `${int(rows.length)} open deals`,
    ),
  );
  const anyFallback = rows.some((r) => r.fallback);
  const columns = [
    {
      key: 'name',
      label: 'Deal',
      get: (r) => r.name,
      render: (r) => [
        h('div', { class: 'cell-main' }, r.name ?? r.id),
        r.account ? h('div', { class: 'cell-sub' }, [r.account, r.rep].filter(Boolean).join(' · ')) : null,
      ],
    },
    {
      key: 'stage',
      label: 'Stage',
      get: (r) => r.stage,
      render: (r) => (r.stage ? h('span', { class: 'pill pill-neutral' }, r.stage) : '—'),
    },
    { key: 'amount', label: 'Amount', num: true, get: (r) => r.amount, render: (r) => money(r.amount) },
    { key: 'win', label: 'Win probability', num: true, get: (r) => r.win, render: (r) => probBar(r.win) },
    { key: 'close', label: 'Expected close', get: (r) => toDate(r.expectedClose)?.getTime(), render: (r) => fmtDate(r.expectedClose) },
    { key: 'slip', label: 'Slip risk', num: true, get: (r) => r.slip, render: (r) => slipPill(r.slip) },
    { key: 'reason', label: 'Top reason', sortable: false, get: () => 0, render: (r) => topReason(r.factors) },
  ];
  // A score listing without reasons: the drawer fetches them per deal, so drop the empty column.
  if (!rows.some((r) => r.factors.length)) columns.pop();
  const out = [sortableTable(rows, columns, { initial: { key: 'amount', desc: true }, onRow: (r) => openDeal(r) })];
  if (anyFallback)
    out.unshift(
      h(
        'p',
        { class: 'muted small' },
        'Some scores come from the stage baseline because no trained deal-win model is active: ',
        h('code', {}, 'npx salescast train win'),
      ),
    );
  return out;
}

async function openDeal(row) {
  const dialog = document.getElementById('deal-dialog');
  const body = dialog.querySelector('[data-slot="body"]');
  const details = h('div');
  const render = (d, note) => {
    details.replaceChildren(
      h('h2', { id: 'deal-title' }, d.name ?? d.id),
      h('div', { class: 'sub' }, [d.account, d.rep, d.stage].filter(Boolean).join(' · ') || d.id),
      h(
        'div',
        { class: 'facts' },
        fact('Amount', money(d.amount)),
        fact('Win probability', pct(d.win)),
        fact('Expected value', finite(d.amount) && finite(d.win) ? money(d.amount * d.win) : '—'),
        fact('Expected close', fmtDate(d.expectedClose)),
        fact('Slip risk', pct(d.slip)),
        fact('Model', d.modelVersion !== undefined && d.modelVersion !== null ? `v${d.modelVersion}` : d.fallback ? 'stage baseline' : '—'),
      ),
      h('h3', { class: 'muted small' }, 'What drives this score'),
      d.factors.length
        ? factorList(d.factors)
        : emptyState('No factors for this deal', note ?? 'Factors come with scores from a trained deal-win model.', HINTS.win),
    );
  };
  render(row, row.factors.length ? null : 'Loading factors…');
  body.replaceChildren(details, row.id ? whatIfSection(row) : null);
  if (!dialog.open) dialog.showModal();
  if (!row.factors.length && row.id) {
    try {
      const res = await callOne('deal score', R.deal, { id: row.id });
      const d = readDeal(res?.score ? { ...res, ...res.score } : res);
      // The single-score answer carries no name (readDeal falls back to the id): the listing's wins.
      const known = { name: row.name ?? d.name, account: row.account ?? d.account, rep: row.rep ?? d.rep, stage: row.stage ?? d.stage };
      render({
        ...row,
        ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length))),
        ...known,
        factors: d.factors.length ? d.factors : row.factors,
      });
    } catch (e) {
      render(row, e instanceof MissingEndpoint ? 'This server does not serve single deal scores yet.' : e.message);
    }
  }
}

// ───────────────────────────── what-if (in the deal drawer) ─────────────────────────────

/** Open stages as the pipeline shows them, ordered by their deals' mean win probability (roughly funnel order). */
function pipelineStages(rows) {
  const by = new Map();
  for (const r of rows) {
    if (!r.stage) continue;
    const s = by.get(r.stage) ?? { n: 0, sum: 0 };
    s.n += 1;
    s.sum += finite(r.win) ? r.win : 0;
    by.set(r.stage, s);
  }
  return [...by.entries()].sort((a, b) => a[1].sum / a[1].n - b[1].sum / b[1].n).map(([stage]) => stage);
}
const signedMoney = (v) => (finite(v) ? `${v > 0 ? '+' : v < 0 ? '−' : '±'}${money(Math.abs(v), { compact: true })}` : '—');

/**
 * "What if this deal moved to Negotiation, or slipped a month, or was dropped?": POSTs the change to
 * /v1/deals/what-if for the current quarter and shows the deal's new win probability, its expected
 * contribution to the quarter and the quarter forecast's change (same simulations, so the delta is
 * the change's own effect, not simulation noise).
 */
function whatIfSection(row) {
  const q = state.quarter;
  const field = (label, input) => h('label', { class: 'field' }, h('span', {}, label), input);
  const stage = h(
    'select',
    { name: 'stage' },
    h('option', { value: '' }, `no change (${row.stage ?? 'unknown'})`),
    ...(state.stages ?? []).filter((s) => s !== row.stage).map((s) => h('option', { value: s }, s)),
  );
  const amount = h('input', {
    name: 'amount',
    type: 'number',
    min: '0',
    step: 'any',
    inputmode: 'decimal',
    placeholder: finite(row.amount) ? String(Math.round(row.amount)) : '',
  });
  const close = h('input', { name: 'expectedCloseAt', type: 'date' });
  const activities = h('input', { name: 'activities', type: 'number', min: '0', max: '1000', step: '1', placeholder: '0' });
  const drop = h('input', { name: 'drop', type: 'checkbox' });
  // A deal expected to close next quarter changes this quarter little: either can be looked at.
  const quarters = q ? [q, shiftQuarter(q, 1)] : [];
  const period = h(
    'select',
    { name: 'period' },
    quarters.map((x, i) => h('option', { value: quarterKey(x) }, `Q${x.q} ${x.year}${i === 0 ? ' (this quarter)' : ''}`)),
  );
  const submit = h('button', { type: 'submit', class: 'btn' }, 'See the effect');
  const result = h('div', { class: 'whatif-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'whatif-form' },
    field('Stage', stage),
    field('Amount', amount),
    field('Expected close', close),
    field('Activities logged now', activities),
    quarters.length ? field('Effect on', period) : null,
    h('div', { class: 'whatif-actions' }, h('label', { class: 'check' }, drop, h('span', {}, 'Drop it from the pipeline')), submit),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const change = { id: row.id };
    if (drop.checked) change.drop = true;
    else {
      if (stage.value) change.stage = stage.value;
      if (amount.value !== '') change.amount = Number(amount.value);
      if (close.value) change.expectedCloseAt = close.value;
      if (activities.value !== '' && Number(activities.value) > 0) change.addActivities = { count: Math.round(Number(activities.value)) };
    }
    if (Object.keys(change).length === 1) {
      result.replaceChildren(
        h('p', { class: 'muted small' }, 'Change the stage, the amount, the close date or the activities first (or drop the deal).'),
      );
      return;
    }
    submit.disabled = true;
    result.replaceChildren(h('p', { class: 'muted small loading' }, 'Simulating the quarter…'));
    try {
      const res = await postOne('what-if', R.whatIf, { changes: [change], period: period.value || undefined, sims: 5000 });
      result.replaceChildren(whatIfResult(res));
    } catch (e) {
      const details =
        e instanceof ApiError
          ? e.details
              .filter((d) => d?.problem)
              .map((d) => (Array.isArray(d.path) && d.path.length ? `${d.path.join('.')}: ${d.problem}` : d.problem))
          : [];
      result.replaceChildren(
        h(
          'p',
          { class: 'whatif-error' },
          e instanceof MissingEndpoint
            ? 'This server does not serve what-if yet.'
            : `${e.message}${details.length ? `: ${details.join('; ')}` : ''}`,
        ),
      );
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', { class: 'whatif' }, h('h3', { class: 'muted small' }, 'What if…'), form, result);
}

function whatIfResult(res) {
  const deal = list(pick(res, 'deals') ?? [])[0] ?? {};
  const before = deal.before ?? {};
  const after = deal.after;
  const arrow = (a, b, fmt) => h('span', {}, fmt(a), ' → ', h('strong', {}, fmt(b)));
  const delta = pick(res, 'delta') ?? {};
  const scenario = pick(res, 'scenario') ?? {};
  const label = periodLabel(pick(res, 'period.label')) || 'the quarter';
  const rows = [
    after
      ? fact(
          'Win probability',
          arrow(pnum(before, 'winProbability'), pnum(after, 'winProbability'), (v) => pct(v)),
        )
      : fact('This deal', h('strong', {}, 'dropped from the pipeline')),
    fact(
      `Expected in ${label}`,
      arrow(pnum(before, 'expectedContribution'), after ? pnum(after, 'expectedContribution') : 0, (v) => money(v, { compact: true })),
    ),
    fact(
      `${label} forecast`,
      h(
        'span',
        { title: `P10 ${signedMoney(pnum(delta, 'p10'))}, P50 ${signedMoney(pnum(delta, 'p50'))}, P90 ${signedMoney(pnum(delta, 'p90'))}` },
        h('strong', { class: (pnum(delta, 'expected') ?? 0) < 0 ? 'neg' : '' }, signedMoney(pnum(delta, 'expected'))),
        ` to ${money(pnum(scenario, 'expected'), { compact: true })} expected`,
      ),
    ),
    fact('New range (P10–P90)', `${money(pnum(scenario, 'p10'), { compact: true })} – ${money(pnum(scenario, 'p90'), { compact: true })}`),
  ];
  const notes = list(pick(res, 'notes') ?? []).filter((n) => typeof n === 'string');
  return h('div', {}, h('div', { class: 'facts' }, rows), ...notes.map((n) => h('p', { class: 'muted small' }, n)));
}
/** Every factor, strongest first, with its text, feature = value and its push as a bar (deal and customer drawers). */
function factorList(factors, { positiveIsBad = false } = {}) {
  const maxEffect = Math.max(0.01, ...factors.map((f) => Math.abs(f.effect ?? 0)));
  return h(
    'ul',
    { class: 'factors' },
    [...factors]
      .sort((a, b) => Math.abs(b.effect ?? 0) - Math.abs(a.effect ?? 0))
      .map((f) =>
        h(
          'li',
          { class: 'factor' },
          h(
            'div',
            { class: 'factor-text' },
            f.text ?? f.feature,
            f.feature
              ? h('span', { class: 'factor-feature' }, `${f.feature}${f.value !== undefined && f.value !== null ? ` = ${f.value}` : ''}`)
              : null,
          ),
          effectBar(f.effect, maxEffect, { positiveIsBad }),
        ),
      ),
  );
}
const fact = (label, value) => h('div', {}, h('div', { class: 'fact-label' }, label), h('div', { class: 'fact-value' }, value));
function effectBar(effect, max, { positiveIsBad = false } = {}) {
  const w = 100;
  const svgNS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} 14`);
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', '14');
  svg.setAttribute('class', 'chart');
  const mid = w / 2;
  const len = (Math.abs(effect ?? 0) / max) * (w / 2 - 2);
  const bar = document.createElementNS(svgNS, 'rect');
  bar.setAttribute('x', String((effect ?? 0) < 0 ? mid - len : mid));
  bar.setAttribute('y', '3');
  bar.setAttribute('width', String(Math.max(1, len)));
  bar.setAttribute('height', '8');
  bar.setAttribute('rx', '2');
  const bad = positiveIsBad ? (effect ?? 0) > 0 : (effect ?? 0) < 0;
  bar.setAttribute('fill', bad ? COLORS.bad : COLORS.good);
  const axis = document.createElementNS(svgNS, 'line');
  for (const [k, v] of Object.entries({ x1: mid, x2: mid, y1: 0, y2: 14, stroke: '#d1d5db' })) axis.setAttribute(k, String(v));
  const t = document.createElementNS(svgNS, 'title');
  t.textContent = finite(effect)
    ? `${effect > 0 ? '+' : ''}${effect.toFixed(2)} log-odds${positiveIsBad ? ' of churning' : ''}`
    : 'effect unknown';
  svg.append(axis, bar, t);
  return svg;
}

// ───────────────────────────── customers ─────────────────────────────

async function customersPanel() {
  const res = await call('customer scores', R.customers, { sort: '-churnProbability', limit: 100 });
  const rows = list(res, 'customers', 'scores').map(readCustomer);
  if (!rows.length) return emptyState('No customer scores yet', HINTS.customers);
  // Customers already lost are history, not risk.
  const scored = rows.filter((r) => (finite(r.churn) || finite(r.alive)) && String(r.status ?? '').toLowerCase() !== 'churned');
  if (!scored.length) return emptyState('Customers are not scored yet', HINTS.customers);
  const columns = [
    {
      key: 'name',
      label: 'Customer',
      get: (r) => r.name,
      render: (r) => [h('div', { class: 'cell-main' }, r.name ?? r.id), r.segment ? h('div', { class: 'cell-sub' }, r.segment) : null],
    },
    { key: 'churn', label: 'Churn risk', num: true, get: (r) => r.churn, render: (r) => (finite(r.churn) ? probBar(r.churn, true) : '—') },
    { key: 'alive', label: 'P(alive)', num: true, get: (r) => r.alive, render: (r) => pct(r.alive) },
    { key: 'clv', label: 'CLV', num: true, get: (r) => r.clv, render: (r) => money(r.clv) },
    {
      key: 'rfm',
      label: 'RFM segment',
      get: (r) => r.rfm,
      render: (r) => (r.rfm ? h('span', { class: `pill ${rfmClass(r.rfm)}` }, String(r.rfm).replace(/_/g, ' ')) : '—'),
    },
    { key: 'reason', label: 'Top reason', sortable: false, get: () => 0, render: (r) => topReason(r.factors, { positiveIsBad: true }) },
  ];
  if (!scored.some((r) => r.factors.length)) columns.pop();
  const hasChurn = rows.some((r) => finite(r.churn));
  return sortableTable(scored, columns, {
    initial: hasChurn ? { key: 'churn', desc: true } : { key: 'alive', desc: false },
    onRow: (r) => openCustomer(r),
  });
}
/**
 * A customer's side panel: its scores (churn with every factor, P(alive), CLV, RFM) from
 * GET /v1/customers/{id}/score and its economics from GET /v1/clients/{id}/profitability. Each
 * half loads on its own and explains itself when the server cannot answer it.
 */
async function openCustomer(row) {
  const dialog = document.getElementById('customer-dialog');
  const body = dialog.querySelector('[data-slot="body"]');
  const scoreBox = h(
    'div',
    { class: 'drawer-section', dataset: { part: 'score' } },
    h('p', { class: 'muted small loading' }, 'Loading scores…'),
  );
  const econBox = h(
    'div',
    { class: 'drawer-section', dataset: { part: 'economics' } },
    h('p', { class: 'muted small loading' }, 'Loading economics…'),
  );
  body.replaceChildren(
    h('h2', { id: 'customer-title' }, row.name ?? row.id),
    h('div', { class: 'sub' }, [row.id, row.segment, row.status].filter(Boolean).join(' · ')),
    scoreBox,
    econBox,
  );
  if (!dialog.open) dialog.showModal();
  const scoreP = callOne('customer score', R.customer, { id: row.id })
    .then((res) => scoreBox.replaceChildren(...customerScoreView(res)))
    .catch((e) => scoreBox.replaceChildren(failure(e, { untrained: HINTS.customers, empty: 'This customer is not in the database.' })));
  const econP = callOne('client profitability', R.clientProfit, { id: row.id })
    .then((res) => econBox.replaceChildren(...customerEconomicsView(res)))
    .catch((e) => econBox.replaceChildren(failure(e, { empty: 'No orders or costs recorded for this client.' })));
  await Promise.all([scoreP, econP]);
}

function customerScoreView(res) {
  const sc = pick(res, 'score') ?? {};
  const factors = list(pick(sc, 'factors') ?? []).map((f) => ({
    feature: pick(f, 'feature'),
    value: pick(f, 'value'),
    effect: pnum(f, 'effect'),
    text: pick(f, 'text'),
  }));
  const horizon = pnum(res, 'clvModel.horizonMonths');
  const rfm = pick(sc, 'rfm.segment');
  const notes = list(pick(sc, 'notes') ?? []).filter((n) => typeof n === 'string');
  return [
    h('h3', { class: 'muted small' }, 'Risk and value'),
    h(
      'div',
      { class: 'facts' },
      fact('Churn risk', pct(pnum(sc, 'churnProbability'))),
      fact('P(alive)', pct(pnum(sc, 'pAlive'))),
      fact(`CLV${finite(horizon) ? ` (${horizon} months)` : ''}`, money(pnum(sc, 'clv'))),
      fact('Expected purchases', fixed(pnum(sc, 'expectedPurchases'), 1)),
      fact('Expected order value', money(pnum(sc, 'expectedSpend'))),
      fact('RFM segment', rfm ? h('span', { class: `pill ${rfmClass(rfm)}` }, String(rfm).replace(/_/g, ' ')) : '—'),
    ),
    ...notes.map((n) => h('p', { class: 'muted small' }, n)),
    !finite(pnum(sc, 'churnProbability')) && !finite(pnum(sc, 'pAlive')) ? h('p', { class: 'muted small' }, HINTS.customers) : null,
    factors.length ? factorList(factors, { positiveIsBad: true }) : null,
  ];
}

const PAYBACK = { paid_back: 'paid back', not_yet: 'not yet paid back', no_acquisition_cost: 'no acquisition cost recorded' };
function customerEconomicsView(res) {
  const c = pick(res, 'client') ?? {};
  const net = pnum(c, 'netProfit');
  const payback = pick(c, 'payback');
  const months = pnum(c, 'paybackMonths');
  return [
    h('h3', { class: 'muted small' }, 'Economics (all recorded history)'),
    h(
      'div',
      { class: 'facts' },
      fact('Revenue', money(pnum(c, 'revenue'))),
      fact(
        'Gross margin',
        h(
          'span',
          {},
          money(pnum(c, 'grossMargin')),
          finite(pnum(c, 'grossMarginPct')) ? h('span', { class: 'muted small' }, ` ${pct(pnum(c, 'grossMarginPct'))}`) : null,
        ),
      ),
      fact('Cost to serve', money(pnum(c, 'costToServe'))),
      fact('Net profit', h('span', { class: (net ?? 0) < 0 ? 'neg' : '' }, money(net))),
      fact(
        'Orders',
        h(
          'span',
          {},
          int(pnum(c, 'orders')),
          finite(pnum(c, 'averageOrderValue'))
            ? h('span', { class: 'muted small' }, ` · avg ${money(pnum(c, 'averageOrderValue'), { compact: true })}`)
            : null,
        ),
      ),
      fact(
        'Payback',
        payback === 'paid_back' && finite(months)
          ? months < 1
            ? 'within a month'
            : `${fixed(months, 1)} months`
          : (PAYBACK[payback] ?? '—'),
      ),
    ),
    h('p', { class: 'muted small' }, `First purchase ${fmtDate(pick(c, 'firstPurchase'))}, last ${fmtDate(pick(c, 'lastPurchase'))}.`),
  ];
}
function rfmClass(seg) {
  const s = String(seg).toLowerCase();
  if (/champion|loyal/.test(s)) return 'pill-good';
  if (/risk|cannot|can.t/.test(s)) return 'pill-bad';
  if (/hibernat|lost|sleep/.test(s)) return 'pill-neutral';
  if (/new|promising|potential/.test(s)) return 'pill-accent';
  return 'pill-warn';
}

// ───────────────────────────── models ─────────────────────────────

function readModels(res) {
  return list(res, 'models', 'versions').map((m) => ({
    name: pick(m, 'name', 'model'),
    version: pick(m, 'version'),
    status: pick(m, 'status'),
    algorithm: pick(m, 'algorithm'),
    trainedAt: pick(m, 'trainedAt', 'createdAt'),
    metrics: pick(m, 'metrics.test', 'metrics.candidate', 'metrics') ?? {},
    baseline: pick(m, 'metrics.baseline'),
    fallback: pick(m, 'fallback'),
  }));
}

function modelsPanel(models) {
  const order = { win: 0, churn: 1, clv: 2 };
  const active = models.filter((m) => !m.status || m.status === 'active').sort((a, b) => (order[a.name] ?? 9) - (order[b.name] ?? 9));
  if (!active.length) {
    return emptyState(
      'No active model yet',
      'Until a model is trained, deal scores fall back to historical win rates by stage.',
      HINTS.win,
      HINTS.customers,
    );
  }
  return h(
    'div',
    { class: 'models' },
    active.map((m) => {
      const mt = m.metrics ?? {};
      const auc = pnum(mt, 'auc', 'rocAuc', 'roc_auc', 'test.auc');
      const ece = pnum(mt, 'ece', 'expectedCalibrationError', 'test.ece');
      const brier = pnum(mt, 'brier', 'brierScore', 'test.brier');
      const logLoss = pnum(mt, 'logLoss', 'log_loss', 'test.logLoss');
      const baseAuc = pnum(m.baseline ?? {}, 'auc', 'rocAuc') ?? pnum(mt, 'baseline.auc', 'baselineAuc');
      const ll = pnum(mt, 'logLikelihood', 'loglik', 'll');
      const metrics = [];
      if (finite(auc)) metrics.push(metricBox('AUC', fixed(auc, 3), finite(baseAuc) ? `baseline ${fixed(baseAuc, 3)}` : aucNote(auc)));
      if (finite(ece))
        metrics.push(
          metricBox('Calibration error', pct(ece, 1), ece <= 0.05 ? 'well calibrated' : ece <= 0.1 ? 'acceptable' : 'needs recalibration'),
        );
      if (finite(brier)) metrics.push(metricBox('Brier', fixed(brier, 3), 'lower is better'));
      if (finite(logLoss)) metrics.push(metricBox('Log loss', fixed(logLoss, 3), 'lower is better'));
      // BG/NBD + Gamma-Gamma (the clv model) has fitted parameters, not classifier metrics.
      const bg = pick(mt, 'bgNbd');
      if (!metrics.length && bg) {
        const gg = pick(mt, 'gammaGamma') ?? {};
        metrics.push(
          metricBox(
            'Customers fitted',
            int(pnum(bg, 'customers')),
            pick(bg, 'converged') === false ? 'did not converge' : 'BG/NBD converged',
          ),
        );
        metrics.push(metricBox('Log-likelihood', fixed(pnum(bg, 'logLikelihood'), 0), 'BG/NBD'));
        if (finite(pnum(gg, 'populationMeanSpend')))
          metrics.push(metricBox('Mean order value', money(pnum(gg, 'populationMeanSpend'), { compact: true }), 'Gamma-Gamma'));
        const horizon = pnum(mt, 'clv.horizonMonths');
        if (finite(horizon))
          metrics.push(
            metricBox(
              'CLV horizon',
              `${int(horizon)} mo`,
              finite(pnum(mt, 'clv.annualDiscountRate')) ? `discounted ${pct(pnum(mt, 'clv.annualDiscountRate'))}/yr` : '',
            ),
          );
      }
      if (!metrics.length && finite(ll)) metrics.push(metricBox('Log-likelihood', fixed(ll, 1), 'of the fit'));
      if (!metrics.length) {
        for (const [k, v] of Object.entries(mt).slice(0, 8))
          if (finite(v) && metrics.length < 4) metrics.push(metricBox(k, fixed(v, 3), ''));
      }
      const bins = list(pick(mt, 'reliability', 'calibration', 'reliabilityTable') ?? []).map((b) => ({
        predicted: pnum(b, 'predicted', 'meanPredicted', 'mean_predicted', 'p'),
        observed: pnum(b, 'observed', 'fractionPositive', 'actual', 'observedRate'),
        count: pnum(b, 'count', 'n'),
      }));
      return h(
        'div',
        { class: 'model-card' },
        h(
          'div',
          { class: 'model-top' },
          h('span', { class: 'model-name' }, prettyModel(m.name)),
          h(
            'span',
            { class: 'model-meta' },
            [`v${m.version ?? '?'}`, m.algorithm, m.trainedAt ? `trained ${fmtDate(m.trainedAt)}` : null].filter(Boolean).join(' · '),
          ),
        ),
        metrics.length
          ? h('div', { class: 'metrics' }, metrics)
          : h('p', { class: 'muted small' }, 'No test metrics recorded for this version.'),
        bins.length > 1
          ? h(
              'div',
              { class: 'model-rel' },
              reliabilityChart(bins, { pct, size: 84 }),
              h(
                'p',
                { class: 'muted small' },
                'Reliability on the test window: points on the diagonal mean a predicted 70% closes seven times in ten.',
              ),
            )
          : null,
      );
    }),
  );
}
const metricBox = (label, value, note) =>
  h(
    'div',
    {},
    h('div', { class: 'metric-label' }, label),
    h('div', { class: 'metric-value' }, value),
    h('div', { class: 'metric-note' }, note),
  );
const aucNote = (auc) => (auc >= 0.8 ? 'strong ranking' : auc >= 0.7 ? 'useful ranking' : 'weak ranking');
const prettyModel = (n) => ({ win: 'Deal win', churn: 'Customer churn', clv: 'Lifetime value (BG/NBD)' })[n] ?? n ?? 'model';

// ───────────────────────────── client economics ─────────────────────────────

function paretoPanel(res) {
  const curve = list(pick(res, 'curve') ?? [])
    .map((p) => ({ clientShare: pnum(p, 'clientShare'), profitShare: pnum(p, 'profitShare'), revenueShare: pnum(p, 'revenueShare') }))
    .filter((p) => finite(p.clientShare));
  const clients = pnum(res, 'clients');
  if (!curve.length || !clients)
    return emptyState('No client economics yet', 'Profitability needs orders (revenue and cost of goods) per client.', HINTS.demo);
  const top20 = pnum(res, 'top20.profitShare');
  const top20rev = pnum(res, 'top20.revenueShare');
  const peak = pnum(res, 'peakProfitShare');
  const destroyers = pnum(res, 'destroyerCount') ?? list(pick(res, 'destroyers') ?? []).length;
  return [
    h(
      'div',
      { class: 'stat-row' },
      stat('Clients', int(clients)),
      stat('Net profit', money(pnum(res, 'totalProfit'))),
      stat('Top 20% share of profit', pct(top20)),
      finite(top20rev) ? stat('Top 20% share of revenue', pct(top20rev)) : null,
      finite(peak) && peak > 1.001 ? stat('Profit before the destroyers', pct(peak), 'peak of the curve') : null,
      stat('Profit destroyers', int(destroyers)),
    ),
    paretoChart(curve, { pct }),
    h(
      'div',
      { class: 'legend' },
      h('span', {}, h('i', { class: 'sw sw-model' }), 'Net profit'),
      h('span', {}, h('i', { class: 'sw sw-stage' }), 'Revenue'),
    ),
  ];
}
const stat = (label, value, note) =>
  h('div', { title: note ?? '' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value));

function clientsPanel(top, pareto) {
  const rowsTop = list(top, 'rows', 'clients').slice(0, 8);
  let worst = list(pick(pareto ?? {}, 'destroyers') ?? []);
  if (!rowsTop.length && !worst.length) return emptyState('No client economics yet', HINTS.demo);
  worst = worst.slice(0, 8);
  const mini = (rows, title, empty) =>
    h(
      'div',
      {},
      h('h3', {}, title),
      rows.length
        ? h(
            'table',
            { class: 'data' },
            h(
              'thead',
              {},
              h('tr', {}, h('th', {}, 'Client'), h('th', { class: 'num' }, 'Revenue'), h('th', { class: 'num' }, 'Net profit')),
            ),
            h(
              'tbody',
              {},
              rows.map((r) => {
                const p = pnum(r, 'netProfit', 'profit');
                const margin = pnum(r, 'netMarginPct');
                const open = () => openCustomer({ id: String(pick(r, 'accountId') ?? ''), name: pick(r, 'name', 'accountId') });
                return h(
                  'tr',
                  { class: 'clickable', tabindex: 0, onclick: open, onkeydown: (e) => e.key === 'Enter' && open() },
                  h(
                    'td',
                    {},
                    h('div', { class: 'cell-main' }, pick(r, 'name', 'accountId') ?? '—'),
                    finite(margin) ? h('div', { class: 'cell-sub' }, `net margin ${pct(margin)}`) : null,
                  ),
                  h('td', { class: 'num' }, money(pnum(r, 'revenue'), { compact: true })),
                  h('td', { class: `num ${(p ?? 0) < 0 ? 'neg' : ''}` }, money(p, { compact: true })),
                );
              }),
            ),
          )
        : h('p', { class: 'muted small' }, empty),
    );
  return h(
    'div',
    { class: 'split' },
    mini(rowsTop, 'Most profitable', 'No clients.'),
    mini(worst, 'Destroying profit', 'No client loses money: every client covers its cost to serve.'),
  );
}

function cohortsPanel(res) {
  const cohorts = list(pick(res, 'cohorts') ?? []);
  if (!cohorts.length) return emptyState('No cohorts yet', 'Cohorts need clients with purchases over time.', HINTS.demo);
  const unit = pick(res, 'period') === 'quarter' ? 'Q' : 'M';
  const nPeriods = Math.max(...cohorts.map((c) => list(c.cells ?? []).length));
  const headers = [
    h('th', {}, 'Cohort'),
    h('th', {}, 'Clients'),
    ...Array.from({ length: nPeriods }, (_, i) => h('th', {}, `${unit}${i}`)),
  ];
  const body = cohorts.map((c) => {
    const cells = list(c.cells ?? []);
    return h(
      'tr',
      {},
      h('th', {}, c.cohort ?? '(none)'),
      h('td', { class: 'size' }, int(pnum(c, 'size'))),
      Array.from({ length: nPeriods }, (_, i) => {
        const cell = cells[i];
        const v = cell ? pnum(cell, 'retention') : undefined;
        if (!finite(v)) return h('td', { class: 'cell heat-none' });
        const bucket = Math.min(6, Math.max(0, Math.round(v * 6)));
        return h(
          'td',
          {
            class: `cell heat-${bucket}${bucket >= 4 ? ' dark' : ''}`,
            title: `${c.cohort}, ${unit === 'Q' ? 'quarter' : 'month'} ${i}: ${pct(v)} still purchasing${finite(pnum(cell, 'netRevenueRetention')) ? `, net revenue retention ${pct(pnum(cell, 'netRevenueRetention'))}` : ''}`,
          },
          Math.round(v * 100),
        );
      }),
    );
  });
  return [
    h('div', { class: 'heat-wrap' }, h('table', { class: 'heat' }, h('thead', {}, h('tr', {}, headers)), h('tbody', {}, body))),
    h(
      'p',
      { class: 'muted small' },
      `Percent of each cohort with a purchase in the ${unit === 'Q' ? 'quarter' : 'month'} since acquisition (${unit}0 = acquisition ${unit === 'Q' ? 'quarter' : 'month'}).`,
    ),
  ];
}

// ───────────────────────────── boot ─────────────────────────────

const settle = (p) =>
  p.then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error }),
  );

async function main() {
  if (sessionStorage.getItem(KEY_STORAGE)) document.getElementById('signout').hidden = false;
  document.getElementById('signout').addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    location.reload();
  });

  state.routes = await discoverRoutes();

  // Models first: the header shows their versions and the model panel needs nothing else.
  const modelsP = settle(call('models', R.models, { status: 'active', limit: 50 }).then(readModels));

  const now = new Date();
  const thisQ = quarterOf(now);
  state.quarter = thisQ;
  const qLabel = `Q${thisQ.q} ${thisQ.year}`;
  const dims = 'rep,team,region,product,segment';
  const currentP = settle(call('forecast', R.forecast, { period: quarterKey(thisQ), by: dims }).then(readForecast));
  const nextP = settle(call('forecast', R.forecast, { period: quarterKey(shiftQuarter(thisQ, 1)), by: 'rep' }).then(readForecast));
  const backtestP = settle(
    call('forecast backtests', R.backtest, {
      period: 'quarter',
      from: `${thisQ.year - 1}-${String((thisQ.q - 1) * 3 + 1).padStart(2, '0')}-01`,
    }),
  );
  const yearAgo = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), now.getUTCDate())).toISOString().slice(0, 10);
  const funnelP = settle(call('funnel report', R.funnel, { from: yearAgo, basis: 'closed', by: FUNNEL_DIMS.join(',') }));
  const openDealsP = settle(loadOpenDeals());
  const paretoP = settle(call('pareto report', R.pareto, { points: 20, limit: 8 }));

  modelsP.then((r) => {
    if (r.ok) renderModelsMeta(r.value.filter((m) => !m.status || m.status === 'active'));
    else
      document
        .getElementById('models')
        .replaceChildren(
          h(
            'span',
            { class: 'chip off', title: r.error.message },
            h('span', { class: 'dot' }),
            r.error.status === 403 ? 'model versions need an admin key' : 'model versions unavailable',
          ),
        );
    panel(
      'panel-models',
      async () => {
        if (!r.ok) throw r.error;
        return modelsPanel(r.value);
      },
      {
        missing: 'Model versions and metrics appear here once the server lists models.',
        untrained: HINTS.win,
        forbidden: 'Listing model versions is an operator action: it needs a key with the admin scope.',
      },
    );
  });

  const current = await currentP;
  const fc = current.ok ? current.value : null;
  setAsOf(fc?.asOf);
  renderForecastKpis(fc, qLabel);
  if (!current.ok) {
    const kpi = document.querySelector('[data-kpi="forecast"] [data-slot="sub"]');
    kpi.replaceChildren(
      document.createTextNode(
        current.error instanceof MissingEndpoint ? 'The server does not serve forecasts yet.' : current.error.message,
      ),
    );
  }
  const next = await nextP;
  const backtest = await backtestP;

  const forecastHint = {
    missing: 'The forecast appears when the server serves pipeline forecasts.',
    untrained: HINTS.demo,
    empty: HINTS.demo,
  };
  panel(
    'panel-forecast',
    async () => {
      if (!current.ok && !backtest.ok) throw current.error;
      return forecastPanel({ current: fc, next: next.ok ? next.value : null, backtest });
    },
    forecastHint,
  );
  panel(
    'panel-methods',
    async () => {
      if (!current.ok) throw current.error;
      return methodsPanel(fc, backtest);
    },
    forecastHint,
  );
  panel(
    'panel-reps',
    async () => {
      if (!current.ok) throw current.error;
      return repsPanel(fc);
    },
    forecastHint,
  );
  panel('panel-changes', async () => changesPanel(await call('pipeline changes', R.changes)), {
    missing: 'Pipeline changes appear once the server serves them.',
    untrained: h(
      'span',
      {},
      'Store one with ',
      h('code', {}, 'npx salescast forecast snapshot'),
      ' (e.g. weekly from cron); the waterfall compares the two latest.',
    ),
    empty: 'A snapshot it compares no longer exists.',
  });
  panel('panel-runrate', async () => runRatePanel(await call('run-rate forecast', R.runRate, { horizon: 12 })), {
    missing: 'The run-rate forecast appears when the server serves it.',
    untrained: HINTS.demo,
    empty: HINTS.demo,
  });

  // Open pipeline: the amounts of every open deal's stored score; else the forecast's count.
  const openDeals = await openDealsP;
  const expectedNote = finite(fc?.openExpected) ? `${money(fc.openExpected, { compact: true })} expected to close this quarter` : null;
  if (openDeals.ok && openDeals.value.rows.length) {
    const { amount, total, complete, rows } = openDeals.value;
    setKpi(
      'pipeline',
      `${complete ? '' : '≥ '}${money(amount)}`,
      [`${int(complete ? total : rows.length)} open deals`, expectedNote].filter(Boolean).join(' · '),
    );
  } else if (finite(fc?.openDeals)) {
    setKpi('pipeline', `${int(fc.openDeals)} deals`, expectedNote ?? 'open deals');
  }

  const dealsDone = panel('panel-deals', () => loadDeals(openDealsP), {
    missing: 'Open deals with their scores appear once the server serves deal scores.',
    untrained: HINTS.win,
    empty: HINTS.demo,
  });
  panel('panel-customers', customersPanel, {
    missing: 'Customer scores appear once the server serves them.',
    untrained: HINTS.customers,
    empty: HINTS.customers,
  });

  const funnel = await funnelP;
  panel(
    'panel-funnel',
    async () => {
      if (!funnel.ok) throw funnel.error;
      return funnelPanel(funnel.value);
    },
    { missing: 'The funnel appears once the server serves the funnel report.', empty: HINTS.demo },
  );
  if (funnel.ok) {
    const s = pick(funnel.value, 'summary') ?? {};
    const wr = pick(s, 'winRate');
    const est = pnum(wr ?? {}, 'estimate') ?? num(wr);
    const lo = pnum(wr ?? {}, 'lo');
    const hi = pnum(wr ?? {}, 'hi');
    const won = pnum(s, 'won');
    const lost = pnum(s, 'lost');
    if (finite(est))
      setKpi(
        'winrate',
        pct(est, 1),
        `last 12 months · ${int(won)} won of ${int((won ?? 0) + (lost ?? 0))} closed${finite(lo) ? ` · 95% CI ${pct(lo)}–${pct(hi)}` : ''}`,
      );
    else setKpi('winrate', kpiEmpty('No closed deals'), 'in the last 12 months');
  } else {
    setKpi(
      'winrate',
      kpiEmpty('Unavailable'),
      funnel.error instanceof MissingEndpoint ? 'The server does not serve the funnel report yet.' : funnel.error.message,
    );
  }
  const wonEl = document.querySelector('[data-kpi="won"] [data-slot="value"] .skeleton');
  if (wonEl) setKpi('won', kpiEmpty('Unavailable'), 'Needs the forecast endpoint.');
  if (document.querySelector('[data-kpi="pipeline"] [data-slot="value"] .skeleton')) {
    // Without a forecast, the funnel over all deals still counts the open ones (not their value).
    const all = await settle(call('funnel report', R.funnel, { basis: 'created' }));
    const open = all.ok ? pnum(pick(all.value, 'summary') ?? {}, 'open') : undefined;
    if (finite(open)) setKpi('pipeline', int(open), `open deals · their value appears with the forecast`);
    else setKpi('pipeline', kpiEmpty('Unavailable'), 'Needs the forecast or funnel endpoint.');
  }

  const econHint = { missing: 'Client economics appear once the server serves the analytics reports.', empty: HINTS.demo };
  const pareto = await paretoP;
  panel(
    'panel-pareto',
    async () => {
      if (!pareto.ok) throw pareto.error;
      return paretoPanel(pareto.value);
    },
    econHint,
  );
  panel(
    'panel-clients',
    async () => {
      const top = await settle(call('profitability report', R.profitability, { sort: '-netProfit', limit: 8 }));
      if (!top.ok && !pareto.ok) throw top.error;
      return clientsPanel(top.ok ? top.value : null, pareto.ok ? pareto.value : null);
    },
    econHint,
  );
  panel(
    'panel-cohorts',
    async () => cohortsPanel(await call('cohorts report', R.cohorts, { kind: 'clients', by: 'quarter', period: 'quarter', periods: 8 })),
    econHint,
  );

  await dealsDone;
  const models = await modelsP;
  void models;
  // Panels register themselves as they start; wait until the list stops growing.
  for (let n = -1; n !== pendingPanels.length; ) {
    n = pendingPanels.length;
    await Promise.all(pendingPanels);
  }
  document.getElementById('currency-note').textContent = `Amounts in ${state.currency}.`;
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  const n = document.getElementById('notice');
  n.hidden = false;
  n.textContent = `The dashboard could not start: ${e instanceof Error ? e.message : String(e)}`;
  document.body.dataset.ready = 'error';
});
