// The analytics reports, one service function per report (the HTTP layer routes them; the CLI runs
// them by name). Each takes (db, input) where input is validated by the exported zod schema.
import type { Database } from '../../db/database';
import { invalidInput } from '../../errors';
import { campaignEffectReport, CampaignEffectInput } from './campaign-effect';
import { campaignsReport, CampaignsInput } from './campaigns';
import { cohortsReport, CohortsInput } from './cohorts';
import { compareReport, CompareInput } from './compare';
import { funnelReport, FunnelInput } from './funnel';
import { growthReport, GrowthInput } from './growth';
import { newVsExistingReport, NewVsExistingInput } from './new-vs-existing';
import { paretoReport, ParetoInput } from './pareto';
import { profitabilityReport, ProfitabilityInput } from './profitability';
import { REPORT_NAMES, type ReportName } from './report-names';

export * from './campaign-effect';
export * from './campaigns';
export * from './cohorts';
export * from './compare';
export * from './funnel';
export * from './growth';
export * from './new-vs-existing';
export * from './pareto';
export * from './profitability';
export { describeFields, FIELD_NAMES } from './filters';
export { REPORT_NAMES, type ReportName } from './report-names';

export const REPORTS = {
  profitability: {
    run: profitabilityReport,
    input: ProfitabilityInput,
    describe: 'per-client revenue, costs, net profit, payback and CLV',
  },
  pareto: { run: paretoReport, input: ParetoInput, describe: 'concentration of profit and revenue, ABC classes, profit destroyers' },
  cohorts: {
    run: cohortsReport,
    input: CohortsInput,
    describe: 'acquisition cohorts with retention matrices; deal cohorts by created month',
  },
  compare: { run: compareReport, input: CompareInput, describe: 'two or more groups compared with intervals and tests' },
  funnel: {
    run: funnelReport,
    input: FunnelInput,
    describe: 'stage conversion, time in stage, velocity, win rate and won revenue by dimension',
  },
  campaigns: {
    run: campaignsReport,
    input: CampaignsInput,
    describe: 'campaign ROI: revenue and margin attributed within a window, acquired and loyal clients, payback',
  },
  'campaign-effect': {
    run: campaignEffectReport,
    input: CampaignEffectInput,
    describe: "a campaign's target list against similar accounts not targeted: conversion and revenue, with intervals and tests",
  },
  growth: {
    run: growthReport,
    input: GrowthInput,
    describe: 'turnover by group and period: growth on the previous period and the year before, shares',
  },
  'new-vs-existing': {
    run: newVsExistingReport,
    input: NewVsExistingInput,
    describe: 'deals and revenue split into new-client and existing-client business: win rate, cycle, activities per won deal',
  },
} as const satisfies Record<ReportName, unknown>;

export async function runReport(db: Database, name: string, input: unknown): Promise<unknown> {
  if (!Object.hasOwn(REPORTS, name)) {
    throw invalidInput(`Unknown report "${name}"; known reports: ${REPORT_NAMES.join(', ')}`, [
      { path: ['report'], problem: 'unknown report', value: name },
    ]);
  }
  return (REPORTS[name as ReportName].run as (db: Database, input: unknown) => Promise<unknown>)(db, input);
}
