// The `salescast` command line: one entry for operators and cron jobs. Every command has --help,
// exits 0 on success and non-zero with a clear message on failure (codes in src/cli/common.ts).
import { Command, CommanderError } from 'commander';
import { processIo, reportError } from './cli/common';
import { registerDbCommands } from './cli/db-commands';
import { registerDemoCommands } from './cli/demo-commands';
import { registerReportCommands } from './cli/report-commands';
import { registerKeysCommands } from './cli/keys-commands';
import { registerImportCommands } from './cli/import-commands';
import { registerTrainCommands } from './cli/train-commands';
import { registerScoreCommands } from './cli/score-commands';
import { registerModelCommands } from './cli/model-commands';
import { registerCustomerCommands } from './cli/customer-commands';
import { registerForecastCommands } from './cli/forecast-commands';
import { registerServeCommands } from './cli/serve-commands';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('salescast')
    .description('Sales-intelligence forecasting: deal-win and churn scores, client economics, pipeline forecasts.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDbCommands(program);
  registerDemoCommands(program);
  registerReportCommands(program);
  registerKeysCommands(program);
  registerImportCommands(program);
  registerTrainCommands(program);
  registerScoreCommands(program);
  registerModelCommands(program);
  registerCustomerCommands(program);
  registerForecastCommands(program);
  registerServeCommands(program);
  // Further command groups register here (one file per group under src/cli/).
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version') return 0;
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(e, processIo, wantsJson);
  }
}
