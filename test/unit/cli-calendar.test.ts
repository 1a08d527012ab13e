// `brygga calendar …` driven through commander in-process, output captured.
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { calendarCommand } from '../../src/cli/calendar.ts';

async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const captured = { out: '', err: '' };
  const program = new Command('brygga');
  program.addCommand(calendarCommand());
  const configure = (command: Command): void => {
    command.exitOverride();
    command.configureOutput({ writeOut: (s) => void (captured.out += s), writeErr: (s) => void (captured.err += s) });
    command.commands.forEach(configure);
  };
  configure(program);
  try {
    await program.parseAsync(['node', 'brygga', ...args]);
    return { ...captured, code: 0 };
  } catch (error) {
    if (error instanceof CommanderError) return { ...captured, code: error.exitCode };
    throw error;
  }
}

describe('brygga calendar is-workday', () => {
  it('prints true for a vardag and false for julafton, a Sunday and Kristi himmelsfärdsdag', async () => {
    expect(await run('calendar', 'is-workday', '2026-12-28')).toEqual({ out: 'true\n', err: '', code: 0 });
    expect((await run('calendar', 'is-workday', '2026-12-24')).out).toBe('false\n');
    expect((await run('calendar', 'is-workday', '2026-11-22')).out).toBe('false\n');
    expect((await run('calendar', 'is-workday', '2026-05-14')).out).toBe('false\n');
  });

  it('takes extra days off', async () => {
    expect((await run('calendar', 'is-workday', '2026-05-15', '--extra-days-off', '2026-05-15')).out).toBe('false\n');
  });

  it('refuses an invalid date with exit code 2', async () => {
    const result = await run('calendar', 'is-workday', '2026-02-30');
    expect(result).toEqual({ out: '', err: "error: not a calendar date (expected YYYY-MM-DD): '2026-02-30'\n", code: 2 });
    expect((await run('calendar', 'is-workday', '26-11-20')).code).toBe(2);
    expect((await run('calendar', 'is-workday', '1999-06-01')).err).toMatch(/2005/);
  });
});

describe('brygga calendar add-workdays (R-KVITTENS-3VD counting)', () => {
  it('prints the N-th vardag after the date', async () => {
    expect((await run('calendar', 'add-workdays', '2026-11-20', '3')).out).toBe('2026-11-25\n');
    expect((await run('calendar', 'add-workdays', '2026-12-23', '3')).out).toBe('2026-12-30\n');
    expect((await run('calendar', 'add-workdays', '2026-11-21', '0')).out).toBe('2026-11-23\n');
  });

  it('--count-from registration-day counts a vardag date as day one', async () => {
    expect((await run('calendar', 'add-workdays', '2026-11-20', '3', '--count-from', 'registration-day')).out).toBe('2026-11-24\n');
    expect((await run('calendar', 'add-workdays', '2026-11-21', '3', '--count-from', 'registration-day')).out).toBe('2026-11-25\n');
  });

  it('--extra-days-off shifts the count', async () => {
    expect((await run('calendar', 'add-workdays', '2026-05-13', '3', '--extra-days-off', 'påskafton, 2026-05-15')).out).toBe('2026-05-20\n');
  });

  it('refuses a bad N, a bad --count-from and a bad extra day with exit code 2', async () => {
    expect(await run('calendar', 'add-workdays', '2026-11-20', 'three')).toMatchObject({ code: 2, err: "error: N must be a whole number >= 0, got 'three'\n" });
    expect(await run('calendar', 'add-workdays', '2026-11-20', '-1')).toMatchObject({ code: 2 });
    expect(await run('calendar', 'add-workdays', '2026-11-20', '3', '--count-from', 'today')).toMatchObject({
      code: 2, err: "error: --count-from must be one of next-day, registration-day, got 'today'\n",
    });
    expect(await run('calendar', 'add-workdays', '2026-11-20', '3', '--extra-days-off', 'midsommar')).toMatchObject({
      code: 2, err: "error: --extra-days-off: 'midsommar' is not påskafton, pingstafton, YYYY-MM-DD or MM-DD\n",
    });
  });
});

describe('brygga calendar holidays', () => {
  it('prints an aligned table of the year', async () => {
    const { out, code } = await run('calendar', 'holidays', '2026');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(17);
    expect(lines[0]).toBe('datum       veckodag  namn                    typ');
    expect(lines).toContain('2026-04-03  fredag    Långfredagen            helgdag');
    expect(lines).toContain('2026-06-19  fredag    Midsommarafton          jämställd');
    expect(lines).toContain('2026-12-24  torsdag   Julafton                jämställd');
    const kindColumn = new Set(lines.map((l) => l.lastIndexOf(' ') + 1));
    expect(kindColumn.size).toBe(1);
  });

  it('includes extra days off as kind extra', async () => {
    const { out } = await run('calendar', 'holidays', '2026', '--extra-days-off', 'påskafton');
    expect(out.split('\n')).toContain('2026-04-04  lördag    Påskafton               extra');
  });

  it('refuses a bad year with exit code 2', async () => {
    expect(await run('calendar', 'holidays', '26')).toMatchObject({ code: 2 });
    expect(await run('calendar', 'holidays', '1989')).toMatchObject({ code: 2 });
  });
});
