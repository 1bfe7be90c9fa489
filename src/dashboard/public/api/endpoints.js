// @ts-check
// Every route the dashboard reads, one typed call each (no discovery, no fallback spellings). The
// answer types are the contracts' (src/contracts/ → /openapi.json → src/dashboard/openapi.d.ts).
import { get, post } from './client.js';

/** @typedef {import('../../api-types').Schemas} Schemas */
/** @template {import('../../api-types').GetPath} P @typedef {import('../../api-types').GetQuery<P>} Query */
/** @template {import('../../api-types').GetPath} P @typedef {import('../../api-types').GetResult<P>} Result */

/** @typedef {Result<'/v1/forecasts'>} Forecast */
/** @typedef {Schemas['ForecastGroup']} ForecastGroup */
/** @typedef {Result<'/v1/forecasts/backtest'>} Backtest */
/** @typedef {Schemas['BacktestPeriod']} BacktestPeriod */
/** @typedef {Result<'/v1/forecasts/run-rate'>} RunRate */
/** @typedef {Result<'/v1/forecasts/changes'>} PipelineChanges */
/** @typedef {Result<'/v1/deals/scores'>} DealScorePage */
/** @typedef {Schemas['StoredDealScore']} StoredDealScore */
/** @typedef {Result<'/v1/deals/{id}/score'>} DealScoreAnswer */
/** @typedef {import('../../api-types').PostResult<'/v1/deals/what-if'>} WhatIf */
/** @typedef {import('../../api-types').PostBody<'/v1/deals/what-if'>['changes'][number]} WhatIfChange */
/** @typedef {Result<'/v1/customers/scores'>} CustomerScorePage */
/** @typedef {Schemas['StoredCustomerScore']} StoredCustomerScore */
/** @typedef {Result<'/v1/customers/{id}/score'>} CustomerScoreAnswer */
/** @typedef {Result<'/v1/clients/{id}/profitability'>} ClientProfitability */
/** @typedef {Schemas['ProfitabilityRow']} ProfitabilityRow */
/** @typedef {Result<'/v1/models'>['items'][number]} ModelVersion */
/** @typedef {Result<'/v1/reports/funnel'>} Funnel */
/** @typedef {Schemas['SalesEfficiency']} SalesEfficiency */
/** @typedef {Result<'/v1/reports/pareto'>} Pareto */
/** @typedef {Result<'/v1/reports/profitability'>} Profitability */
/** @typedef {Result<'/v1/reports/cohorts'>} Cohorts */
/** @typedef {Result<'/v1/reports/growth'>} Growth */
/** @typedef {Result<'/v1/reports/new-vs-existing'>} NewVsExisting */
/** @typedef {Result<'/v1/reports/campaigns'>} Campaigns */
/** @typedef {Result<'/v1/reports/campaign-effect'>} CampaignEffect */

/** The pipeline forecast of a period. @param {Query<'/v1/forecasts'>} query */
export const forecast = (query) => get('/v1/forecasts', { query });
/** Past periods replayed as of their first day. @param {Query<'/v1/forecasts/backtest'>} query */
export const backtest = (query) => get('/v1/forecasts/backtest', { query });
/** Monthly bookings and their run-rate forecast. @param {Query<'/v1/forecasts/run-rate'>} query */
export const runRate = (query) => get('/v1/forecasts/run-rate', { query });
/** The waterfall between the two latest forecast snapshots. */
export const pipelineChanges = () => get('/v1/forecasts/changes', { query: {} });
/** Stored scores of the open deals (written by `salescast score deals`). @param {Query<'/v1/deals/scores'>} query */
export const dealScores = (query) => get('/v1/deals/scores', { query });
/** One deal scored now, with every factor. @param {string} id @param {Query<'/v1/deals/{id}/score'>} query */
export const dealScore = (id, query) => get('/v1/deals/{id}/score', { params: { id }, query });
/** What-if on deals: the forecast before and after. @param {import('../../api-types').PostBody<'/v1/deals/what-if'>} body */
export const whatIf = (body) => post('/v1/deals/what-if', body);
/** Stored customer scores (written by `salescast score customers`). @param {Query<'/v1/customers/scores'>} query */
export const customerScores = (query) => get('/v1/customers/scores', { query });
/** One customer scored now, with every churn factor. @param {string} id @param {Query<'/v1/customers/{id}/score'>} query */
export const customerScore = (id, query) => get('/v1/customers/{id}/score', { params: { id }, query });
/** One client's economics. @param {string} id @param {Query<'/v1/clients/{id}/profitability'>} query */
export const clientProfitability = (id, query) => get('/v1/clients/{id}/profitability', { params: { id }, query });
/** Model versions with their metrics. @param {Query<'/v1/models'>} query */
export const models = (query) => get('/v1/models', { query });
/** Funnel, win rates and velocity. @param {Query<'/v1/reports/funnel'>} query */
export const funnel = (query) => get('/v1/reports/funnel', { query });
/** Profit concentration. @param {Query<'/v1/reports/pareto'>} query */
export const pareto = (query) => get('/v1/reports/pareto', { query });
/** Per-client profitability. @param {Query<'/v1/reports/profitability'>} query */
export const profitability = (query) => get('/v1/reports/profitability', { query });
/** Acquisition cohorts. @param {Query<'/v1/reports/cohorts'>} query */
export const cohorts = (query) => get('/v1/reports/cohorts', { query });
/** Turnover growth by group and period. @param {Query<'/v1/reports/growth'>} query */
export const growth = (query) => get('/v1/reports/growth', { query });
/** Deals and revenue of new and existing clients. @param {Query<'/v1/reports/new-vs-existing'>} query */
export const newVsExisting = (query) => get('/v1/reports/new-vs-existing', { query });
/** Campaign ROI within the attribution window. @param {Query<'/v1/reports/campaigns'>} query */
export const campaigns = (query) => get('/v1/reports/campaigns', { query });
/** Target lists against similar accounts not targeted. @param {Query<'/v1/reports/campaign-effect'>} query */
export const campaignEffect = (query) => get('/v1/reports/campaign-effect', { query });
