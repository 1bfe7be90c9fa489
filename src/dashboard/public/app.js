// @ts-check
// Salescast dashboard: reads the /v1 API with the caller's key and draws the page. No number here
// is computed from anything but API answers (sums and shares of what the API returned at most).
// Every figure is as of the start of today (UTC): a reload gives the same page all day.
// Each panel lives in its own module under panels/ (drawers under drawers/) and loads on its own;
// this module starts the requests the panels share and hands each panel its answers.
import * as api from './api/endpoints.js';
import { forgetKey, storedKey } from './api/key-prompt.js';
import { byId, fill, h } from './lib/dom.js';
import { currencyCode, date, useCurrency } from './lib/format.js';
import { allPanelsDone, HINTS, panel, settle, unwrap } from './lib/panel.js';
import { asOfDay, quarterKey, quarterStart, shiftQuarter } from './lib/periods.js';
import { campaignEffectPanel } from './panels/campaign-effect.js';
import { campaignsPanel } from './panels/campaigns.js';
import { changesPanel } from './panels/changes.js';
import { clientsPanel } from './panels/clients.js';
import { cohortsPanel } from './panels/cohorts.js';
import { customersPanel } from './panels/customers.js';
import { dealsPanel } from './panels/deals.js';
import { forecastPanel } from './panels/forecast.js';
import { funnelPanel } from './panels/funnel.js';
import { growthPanel } from './panels/growth.js';
import { forecastKpis, winRateKpi } from './panels/kpis.js';
import { methodsPanel } from './panels/methods.js';
import { modelChips, modelsPanel } from './panels/models.js';
import { newVsExistingPanel } from './panels/new-vs-existing.js';
import { paretoPanel } from './panels/pareto.js';
import { repsPanel } from './panels/reps.js';
import { runRatePanel } from './panels/run-rate.js';

/** @typedef {import('./lib/periods.js').AsOf} AsOf */

const FUNNEL_DIMS = 'rep,source,segment,product,region';

/** The as-of line and the "Forget key" button of the top bar. @param {AsOf} asOf */
function topBar(asOf) {
  const signout = byId('signout', HTMLButtonElement);
  if (storedKey()) signout.hidden = false;
  signout.addEventListener('click', () => {
    forgetKey();
    location.reload();
  });
  const el = byId('asof', HTMLElement);
  el.textContent = `As of ${date(asOf.at)}`;
  el.title = `Every figure is as of ${date(asOf.at)}, 00:00 UTC (the start of today), so a reload shows the same page until tomorrow. Stored deal and customer scores are as of their last batch run (shown on their panels).`;
}

/**
 * The requests several panels share, started at once.
 * @param {AsOf} asOf
 */
function sharedRequests(asOf) {
  const q = asOf.quarter;
  return {
    models: settle(api.models({ status: 'active', limit: 50 }).then((r) => r.items)),
    current: settle(api.forecast({ period: quarterKey(q), by: 'rep,team,region,product,segment', asOf: asOf.day })),
    next: settle(api.forecast({ period: quarterKey(shiftQuarter(q, 1)), by: 'rep', asOf: asOf.day })),
    backtest: settle(api.backtest({ period: 'quarter', from: quarterStart(shiftQuarter(q, -4)), to: quarterStart(q) })),
    funnel: settle(api.funnel({ basis: 'closed', from: asOf.yearAgo, to: asOf.through, by: FUNNEL_DIMS })),
    pareto: settle(api.pareto({ points: 20, limit: 8, to: asOf.through })),
  };
}
/** @typedef {ReturnType<typeof sharedRequests>} Shared */

const forecastHint = { untrained: HINTS.demo, empty: HINTS.demo };

/** The KPI header and the panels drawn from the quarter's forecast. @param {Shared} req @param {AsOf} asOf */
async function forecastPanels(req, asOf) {
  const current = await req.current;
  forecastKpis(current, asOf);
  const [next, backtest] = await Promise.all([req.next, req.backtest]);
  panel('panel-forecast', () => forecastPanel({ current, next, backtest }), forecastHint);
  panel('panel-methods', () => methodsPanel(unwrap(current), backtest.ok ? backtest.value : null), forecastHint);
  panel('panel-reps', () => repsPanel(unwrap(current)), forecastHint);
}

/** Panels with a request of their own. @param {AsOf} asOf */
function ownPanels(asOf) {
  panel('panel-runrate', async () => runRatePanel(await api.runRate({ horizon: 12, asOf: asOf.day })), forecastHint);
  panel('panel-changes', async () => changesPanel(await api.pipelineChanges()), {
    untrained: h(
      'span',
      {},
      'Store one with ',
      h('code', {}, 'npx salescast forecast snapshot'),
      ' (e.g. weekly from cron); the waterfall compares the two latest.',
    ),
    empty: 'A snapshot it compares no longer exists.',
  });
  panel('panel-deals', async () => dealsPanel(await api.dealScores({ sort: '-amount', limit: 500 }), asOf), {
    untrained: HINTS.win,
    empty: HINTS.demo,
  });
  panel('panel-customers', async () => customersPanel(await api.customerScores({ sort: '-churnProbability', limit: 100 }), asOf), {
    untrained: HINTS.customers,
    empty: HINTS.customers,
  });
  panel(
    'panel-cohorts',
    async () => cohortsPanel(await api.cohorts({ kind: 'clients', by: 'quarter', period: 'quarter', periods: 8, to: asOf.through })),
    {
      empty: HINTS.demo,
    },
  );
  directorPanels(asOf);
}

/** Growth, new and existing clients, campaign ROI and effect: each with its own request. @param {AsOf} asOf */
function directorPanels(asOf) {
  const growthOf = (/** @type {string} */ by) => api.growth({ by, period: 'quarter', to: asOf.through });
  panel('panel-growth', async () => growthPanel(await growthOf('family'), growthOf), { empty: HINTS.demo });
  panel(
    'panel-business',
    async () => {
      const recent = await api.newVsExisting({ basis: 'closed', from: asOf.yearAgo, to: asOf.through });
      if (recent.deals.some((d) => d.won + d.lost > 0)) return newVsExistingPanel(recent);
      // An export whose deals all closed long ago (e.g. Maven's 2017): the whole record instead, said so.
      return newVsExistingPanel(await api.newVsExisting({ basis: 'closed', to: asOf.through }), true);
    },
    { empty: HINTS.demo },
  );
  panel('panel-campaigns', async () => campaignsPanel(await api.campaigns({ sort: 'roi', to: asOf.through })), { empty: HINTS.demo });
  panel('panel-campaign-effect', async () => campaignEffectPanel(await api.campaignEffect({})), { empty: HINTS.demo });
}

/** Panels drawn from the shared answers. @param {Shared} req @param {AsOf} asOf */
function sharedPanels(req, asOf) {
  req.models.then((models) => {
    modelChips(models, byId('models', HTMLElement));
    panel('panel-models', () => modelsPanel(unwrap(models)), {
      untrained: HINTS.win,
      forbidden: 'Listing model versions is an operator action: it needs a key with the admin scope.',
    });
  });
  req.funnel.then((funnel) => {
    winRateKpi(funnel, asOf);
    panel('panel-funnel', () => funnelPanel(unwrap(funnel)), { empty: HINTS.demo });
  });
  const econHint = { empty: HINTS.demo };
  req.pareto.then((pareto) => {
    panel('panel-pareto', () => paretoPanel(unwrap(pareto)), econHint);
    panel(
      'panel-clients',
      async () => {
        const top = await settle(api.profitability({ sort: '-netProfit', limit: 8, to: asOf.through }));
        if (!top.ok && !pareto.ok) throw top.error;
        return clientsPanel(top.ok ? top.value : null, pareto.ok ? pareto.value : null, asOf);
      },
      econHint,
    );
  });
  return Promise.all([req.models, req.funnel, req.pareto]);
}

/**
 * The currency every money figure is written in: the server's, as its answers report it. Panels
 * draw once it is known (the funnel and cohort answers carry no currency of their own).
 * @param {Shared} req
 */
async function currency(req) {
  const [current, pareto] = await Promise.all([req.current, req.pareto]);
  if (current.ok) useCurrency(current.value.currency);
  else if (pareto.ok) useCurrency(pareto.value.currency);
}

async function main() {
  const asOf = asOfDay();
  topBar(asOf);
  const req = sharedRequests(asOf);
  await currency(req);
  ownPanels(asOf);
  const shared = sharedPanels(req, asOf);
  await forecastPanels(req, asOf);
  await shared;
  await allPanelsDone();
  fill(byId('currency-note', HTMLElement), `Amounts in ${currencyCode()}.`);
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  const n = byId('notice', HTMLElement);
  n.hidden = false;
  n.textContent = `The dashboard could not start: ${e instanceof Error ? e.message : String(e)}`;
  document.body.dataset.ready = 'error';
});
