// training/'s deployment examples run the command that exists, with flags it accepts, and agree
// with its exit codes: a renamed flag or command fails here, not at 02:30 on a server.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../src/cli/common';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, 'training', f), 'utf8');
const help = execFileSync(process.execPath, [path.join(ROOT, 'bin', 'salescast.js'), 'retrain', '--help'], { encoding: 'utf8' });

/** The arguments after `salescast` (or bin/salescast.js) in a command line. */
function retrainArgs(line: string): string[] {
  const m = line.match(/salescast(?:\.js)?"?,?\s*"?(retrain[^>\n\]]*)/);
  if (!m) throw new Error(`no salescast retrain in: ${line}`);
  return m[1].replace(/[",]/g, ' ').trim().split(/\s+/);
}

describe('training/', () => {
  const examples: Array<[string, string]> = [
    [
      'crontab',
      read('crontab')
        .split('\n')
        .find((l) => !l.startsWith('#') && /^\S+ \S+ \S+ \S+ \S+ .*salescast/.test(l)) ?? '',
    ],
    ['systemd service', read('systemd/salescast-retrain.service').match(/^ExecStart=(.*)$/m)?.[1] ?? ''],
    ['Kubernetes CronJob', read('kubernetes/retrain-cronjob.yaml').match(/command: (\[.*\])/)?.[1] ?? ''],
  ];

  test.each(examples)('the %s runs `salescast retrain` with flags it accepts', (_what, line) => {
    const args = retrainArgs(line);
    expect(args[0]).toBe('retrain');
    for (const flag of args.slice(1).filter((a) => a.startsWith('--'))) expect(help).toContain(flag);
  });

  test('the schedules agree: 02:30 nightly everywhere', () => {
    expect(examples[0][1]).toMatch(/^30 2 \* \* \* /);
    expect(read('systemd/salescast-retrain.timer')).toMatch(/^OnCalendar=\*-\*-\* 02:30:00$/m);
    expect(read('kubernetes/retrain-cronjob.yaml')).toMatch(/schedule: "30 2 \* \* \*"/);
  });

  test('"another run holds the lock" is the exit code the systemd unit counts as success', () => {
    expect(read('systemd/salescast-retrain.service')).toMatch(new RegExp(`^SuccessExitStatus=${EXIT.CONFLICT}$`, 'm'));
    expect(read('README.md')).toContain(`\`${EXIT.CONFLICT}\` when another run`);
    expect(read('kubernetes/retrain-cronjob.yaml')).toMatch(/concurrencyPolicy: Forbid/);
  });
});
