import type { Command } from 'commander';

export function registerServeCommands(program: Command) {
  program
    .command('serve')
    .description(
      'Migrate and serve the HTTP API and dashboard (PORT, HOST from the environment). API keys are required unless SALESCAST_AUTH_DISABLED=true on a loopback HOST.',
    )
    .option(
      '--demo',
      'first-run demo: load demo data into an empty database, train missing models, score, and serve without keys on a loopback HOST',
    )
    .action(async (opts: { demo?: boolean }) => {
      // Loaded on demand, like every command's work, so other commands do not pay for the server.
      const { start } = await import('../main');
      await start({ demo: Boolean(opts.demo) });
      // Keep running until a signal closes the server (startServer installs the handlers).
      await new Promise(() => undefined);
    });
}
