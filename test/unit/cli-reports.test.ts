// `brygga reports …` with a wrong option: refused by commander before anything is opened, with
// the same rule and wording as the HTTP API (an impossible date, a quarter 5, a month 2026-1).
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { reportsCommand } from '../../src/cli/reports.ts';

async function run(...args: string[]): Promise<{ err: string; code: number }> {
  let err = '';
  const program = new Command('brygga');
  program.addCommand(reportsCommand());
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ writeOut: () => {}, writeErr: (s) => void (err += s) });
    command.commands.forEach(configure);
  };
  configure(program);
  try {
    await program.parseAsync(['node', 'brygga', ...args]);
    return { err, code: 0 };
  } catch (error) {
    if (error instanceof CommanderError) return { err, code: error.exitCode };
    throw error;
  }
}

describe('brygga reports: bad options', () => {
  it.each([
    [['section-leader', '--as-of', '2026-02-30'], "option '--as-of <date>' argument '2026-02-30' is invalid. expected a real date YYYY-MM-DD, e.g. 2026-11-30."],
    [['section-leader', '--as-of', '30/11/2026'], 'expected a real date YYYY-MM-DD'],
    [['evb', '--quarter', '2026Q5'], 'expected YYYYQn with n from 1 to 4, e.g. 2026Q4.'],
    [['participant-lists', '--month', '2026-1'], 'expected YYYY-MM, e.g. 2026-11.'],
    [['participant-lists', '--month', '2026-11', '--format', 'pdf'], "option '--format <format>' argument 'pdf' is invalid. Allowed choices are json, csv, text."],
  ])('reports %j: exit 1 naming the option and what it expects', async (args, message) => {
    const { err, code } = await run('reports', ...args);
    expect(code).toBe(1);
    expect(err).toContain(message);
  });
});
