// The `salescast` command line: one entry for operators and cron jobs. Every command has --help,
// exits 0 on success and non-zero with a clear message on failure (codes in src/cli/common.ts).
import { Command, CommanderError } from 'commander';
import { processIo, reportError } from './cli/common';

type Register = (program: Command) => void;

/**
 * The command groups (one file each under src/cli/), in the order `--help` lists their commands,
 * with the top-level commands each one registers (`train` and `score` are shared by two groups).
 * A group is loaded only when one of its commands runs, or for the full list (`--help`, an unknown
 * command); a group loads the services its commands use only when an action runs. So `--help`
 * loads no database layer, model or server, and `salescast stats` loads only what stats needs.
 */
export const COMMAND_GROUPS: ReadonlyArray<{ commands: readonly string[]; load: () => Register }> = [
  { commands: ['migrate', 'stats'], load: () => (require('./cli/db-commands') as typeof import('./cli/db-commands')).registerDbCommands },
  { commands: ['demo'], load: () => (require('./cli/demo-commands') as typeof import('./cli/demo-commands')).registerDemoCommands },
  { commands: ['report'], load: () => (require('./cli/report-commands') as typeof import('./cli/report-commands')).registerReportCommands },
  { commands: ['keys'], load: () => (require('./cli/keys-commands') as typeof import('./cli/keys-commands')).registerKeysCommands },
  { commands: ['import'], load: () => (require('./cli/import-commands') as typeof import('./cli/import-commands')).registerImportCommands },
  { commands: ['train'], load: () => (require('./cli/train-commands') as typeof import('./cli/train-commands')).registerTrainCommands },
  { commands: ['score'], load: () => (require('./cli/score-commands') as typeof import('./cli/score-commands')).registerScoreCommands },
  { commands: ['models'], load: () => (require('./cli/model-commands') as typeof import('./cli/model-commands')).registerModelCommands },
  {
    commands: ['train', 'score'],
    load: () => (require('./cli/customer-commands') as typeof import('./cli/customer-commands')).registerCustomerCommands,
  },
  {
    commands: ['forecast'],
    load: () => (require('./cli/forecast-commands') as typeof import('./cli/forecast-commands')).registerForecastCommands,
  },
  { commands: ['serve'], load: () => (require('./cli/serve-commands') as typeof import('./cli/serve-commands')).registerServeCommands },
  {
    commands: ['retrain'],
    load: () => (require('./cli/retrain-commands') as typeof import('./cli/retrain-commands')).registerRetrainCommands,
  },
  { commands: ['worker'], load: () => (require('./cli/worker-commands') as typeof import('./cli/worker-commands')).registerWorkerCommands },
  // Further command groups register here.
];

/** The top-level command an argv runs (`salescast help <command>` included), if any. */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const operands = argv.slice(2).filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/** The program with every command, or, given an argv that names a known command, with that command's groups only. */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command();
  program
    .name('salescast')
    .description('Sales-intelligence forecasting: deal-win and churn scores, client economics, pipeline forecasts.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const wanted = argv ? invokedCommand(argv) : undefined;
  const owning = COMMAND_GROUPS.filter((g) => wanted !== undefined && g.commands.includes(wanted));
  for (const group of owning.length ? owning : COMMAND_GROUPS) group.load()(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(argv);
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
