// `salescast score deals`: scores every open deal in batch with the active deal-win model (or the
// stage baseline, flagged as a fallback) and stores the scores with their model version.
// `score` is a shared parent: `score customers` belongs to the customer models.
import type { Command } from 'commander';
import { parseAsOf, processIo, progressBar, table, withDatabase } from './common';

export function registerScoreCommands(program: Command) {
  const score =
    program.commands.find((c) => c.name() === 'score') ??
    program.command('score').description('Score open deals or customers with the active models');
  score
    .command('deals')
    .description('Score every open deal (win probability, expected close, slip risk, top factors) and store the scores')
    .option('--as-of <date>', 'score as of this date (default: now)')
    .option('--limit <n>', 'rows to print in the table (all are stored)', '20')
    .option('--json', 'print every score as JSON')
    .action(async (opts: { asOf?: string; limit: string; json?: boolean }) => {
      const asOf = parseAsOf(opts.asOf);
      const { scoreOpenDeals } = await import('../services/win/score-deals');
      await withDatabase(async (db) => {
        const bar = opts.json ? null : progressBar(processIo, 'scoring', undefined);
        const r = await scoreOpenDeals(db, { asOf, onProgress: (done) => bar?.update(done) });
        bar?.done();
        if (opts.json) {
          processIo.out(JSON.stringify(r, null, 2));
          return;
        }
        processIo.out(
          `Scored ${r.scored.toLocaleString('en-US')} open deals with ${r.fallback ? `the stage baseline (fallback: ${r.fallbackReason})` : `win model v${r.modelVersion} (${r.algorithm})`}; stored at ${r.scoredAt.toISOString()}`,
        );
        const limit = Math.max(0, Number(opts.limit) || 0);
        const rows = [...r.scores]
          .sort((a, b) => b.winProbability - a.winProbability)
          .slice(0, limit)
          .map((s) => ({
            deal: s.externalId ?? s.opportunityId,
            'win %': `${(s.winProbability * 100).toFixed(0)}%`,
            'expected close': s.expectedCloseAt ? s.expectedCloseAt.toISOString().slice(0, 10) : '',
            'slip %': s.slipProbability == null ? '' : `${(s.slipProbability * 100).toFixed(0)}%`,
            'top factor': s.factors[0] ? `${s.factors[0].effect > 0 ? '+' : ''}${s.factors[0].effect.toFixed(2)} ${s.factors[0].text}` : '',
          }));
        if (rows.length) processIo.out(table(rows));
      });
    });
}
