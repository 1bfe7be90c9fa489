// @ts-check
// The deal drawer: the deal's score now (GET /v1/deals/{id}/score as of the page's day) with every
// factor and its push on the log-odds, and the what-if form under it.
import * as api from '../api/endpoints.js';
import { byId, fact, fill, h } from '../lib/dom.js';
import { date, moneyFull, pct } from '../lib/format.js';
import { emptyState, failure, HINTS } from '../lib/panel.js';
import { factorList } from './factors.js';
import { whatIfSection } from './what-if.js';

/** @typedef {import('../api/endpoints.js').StoredDealScore} Deal */
/** @typedef {import('../api/endpoints.js').DealScoreAnswer} ScoreAnswer */
/** @typedef {import('../lib/periods.js').AsOf} AsOf */

/** @param {Deal} row */
const subtitle = (row) => [row.account?.name, row.rep, row.stage, row.externalId].filter(Boolean).join(' · ');

/**
 * The score's figures and factors.
 * @param {ScoreAnswer} res
 */
function scoreView(res) {
  const s = res.score;
  const model = s.modelVersion !== null ? `v${s.modelVersion} (${s.algorithm})` : 'stage baseline';
  return [
    h(
      'div',
      { class: 'facts' },
      fact('Amount', moneyFull(res.amount)),
      fact('Win probability', pct(s.winProbability), 'Calibrated: of deals given this chance, about this share is won'),
      fact('Expected value', moneyFull(res.amount * s.winProbability), 'Amount × win probability'),
      fact('Expected close', date(s.expectedCloseAt)),
      fact('Slip risk', pct(s.slipProbability), 'Probability of closing after the expected close period'),
      fact('Model', model),
    ),
    s.fallback
      ? h('p', { class: 'muted small' }, s.fallbackReason ?? 'Scored by the stage baseline: no trained deal-win model is active.')
      : null,
    h('h3', { class: 'muted small' }, `What drives this score (as of ${date(res.asOf)})`),
    s.factors.length
      ? factorList(s.factors)
      : emptyState('No factors for this deal', 'Factors come with scores from a trained deal-win model.', HINTS.win),
  ];
}

/**
 * Opens the drawer for a deal of the open-deals table.
 * @param {Deal} row
 * @param {{ asOf: AsOf, stages: string[] }} ctx
 */
export async function openDealDrawer(row, { asOf, stages }) {
  const dialog = byId('deal-dialog', HTMLDialogElement);
  const score = h(
    'div',
    { class: 'drawer-section', dataset: { part: 'score' } },
    h('p', { class: 'muted small loading' }, 'Loading the score…'),
  );
  fill(
    /** @type {HTMLElement} */ (dialog.querySelector('[data-slot="body"]')),
    h('h2', { id: 'deal-title' }, row.name ?? row.externalId),
    h('div', { class: 'sub' }, subtitle(row)),
    score,
    whatIfSection(row, { asOf, stages }),
  );
  if (!dialog.open) dialog.showModal();
  try {
    fill(score, scoreView(await api.dealScore(row.externalId, { asOf: asOf.day })));
  } catch (e) {
    fill(score, failure(e, { untrained: HINTS.win, empty: 'This deal is no longer in the database.' }));
  }
}
