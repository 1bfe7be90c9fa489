// The analytics reports by name, in the order the CLI lists them. A leaf module (no imports): the
// CLI describes `salescast report <name>` without loading the reports. REPORTS in ./index.ts must
// have exactly these keys (checked by the compiler there).
export const REPORT_NAMES = [
  'profitability',
  'pareto',
  'cohorts',
  'compare',
  'funnel',
  'campaigns',
  'campaign-effect',
  'growth',
  'new-vs-existing',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];
