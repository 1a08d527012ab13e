// `brygga reports …` with a wrong option: refused by commander before anything is opened, with
// the same rule and wording as the HTTP API (an impossible date, a quarter 5, a month 2026-1).
import { Command, CommanderError } from 'commander';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { reportsCommand } from '../../src/cli/reports.ts';
import { createLogger } from '../../src/logger.ts';

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

describe('brygga reports: text and periods', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brygga-cli-reports-'));
  const saved = { ...process.env };
  beforeAll(async () => {
    // The embedded bus in its own data directory, whatever broker the test run was given.
    delete process.env.KAFKA_BROKERS;
    process.env.BRYGGA_DATA_DIR = dataDir;
    // The topics as `brygga start` leaves them, with nothing on them.
    const bus = new EmbeddedBus({ dataDir: join(dataDir, 'bus'), logger: createLogger({ level: 'warn' }) });
    await bus.ensureTopics(Object.values(TOPICS).map((name) => ({ name, partitions: 1, retentionMs: -1 })));
    await bus.close();
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--format text writes the text, not JSON', async () => {
    for (const [args, first] of [
      [['evb', '--quarter', '2026Q3'], 'Ej verkställda beslut (EVB), kvartal 2026Q3 (2026-07-01–2026-09-30): 0 st.'],
      [['section-leader', '--as-of', '2026-11-30'], 'Sektionsledarens uppföljning per 2026-11-30.'],
    ] as const) {
      const out = join(dataDir, `${args[0]}.txt`);
      expect((await run('reports', ...args, '--format', 'text', '--out', out)).code).toBe(0);
      expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(first);
    }
  });

  it('a quarter that has not begun is refused with BRY_BAD_REQUEST', async () => {
    await expect(run('reports', 'evb', '--quarter', '2099Q1')).rejects.toThrow(/quarter: 2099Q1 has not begun/);
  });
});
