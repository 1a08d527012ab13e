// `brygga dead-letters list|replay` on the embedded default with Brygga stopped: a delivery Lifecare
// refused (the configuration misspelt its inbox) is listed, replayed from the command line after
// the configuration is fixed, and reaches that inbox once Brygga runs again.
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deadLettersCommand } from '../../src/cli/dead-letters.ts';
import type { Settings } from '../../src/config/settings.ts';
import type { RunningBrygga } from '../../src/main.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { exampleConfigReplacing } from '../support/config.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

const CENTRAL = 'ÄO Dagverksamhet Inkorg';
const MISSPELT = 'ÄO Dagverksamhet Inkrog';

/** Runs `brygga …` in this process with the test's settings; returns what it printed and the exit code. */
async function brygga(settings: Settings, ...args: string[]): Promise<{ out: string; code: number }> {
  const saved = { ...process.env };
  // The embedded adapters, as the test's Brygga uses, whatever broker the test run was given.
  delete process.env.KAFKA_BROKERS;
  delete process.env.REDIS_URL;
  Object.assign(process.env, settings.env, { BRYGGA_DATA_DIR: settings.dataDir, BRYGGA_CONFIG: settings.configFile });
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  process.exitCode = 0;
  try {
    await new Command('brygga').addCommand(deadLettersCommand()).parseAsync(['node', 'brygga', ...args]);
    return { out, code: Number(process.exitCode) };
  } finally {
    write.mockRestore();
    process.exitCode = 0;
    process.env = saved;
  }
}

describe('brygga dead-letters (embedded)', () => {
  const lifecare = new LifecareStandIn();
  let settings: Settings;
  let running: RunningBrygga | undefined;

  beforeAll(async () => {
    await lifecare.start();
    lifecare.refuseFor = (m) => m.mottagare.name === MISSPELT;
    settings = testSettings('embedded', lifecare.url, { configFile: exampleConfigReplacing([[CENTRAL, MISSPELT]]) });
    running = await startTestBrygga(settings);
    expect((await postMessage(running.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId: 'B-CLI-DL' }))).status).toBe(202);
    await waitFor(() => getJson<{ deadLetters: unknown[] }>(`${running!.url}/api/dead-letters?stage=delivery`), (p) => p.deadLetters.length === 1, 'the refused delivery');
    await running.stop();
    running = undefined;
  });
  afterAll(async () => {
    await running?.stop();
    await lifecare.stop();
  });

  it('lists the dead letter, replays it after the fix, and Lifecare gets it once Brygga runs', async () => {
    const listed = await brygga(settings, 'dead-letters', 'list', '--stage', 'delivery');
    const [line] = listed.out.split('\n');
    expect(line).toMatch(/^\S+ {2}\d{4}-\d{2}-\d{2}T\S+ {2}delivery {2}lifecare {2}BRY_DELIVERY_REJECTED$/);
    const id = line!.split(' ')[0]!;

    exampleConfigReplacing([], settings.configFile);
    const replayed = await brygga(settings, 'dead-letters', 'replay', id);
    expect(replayed.out).toMatch(new RegExp(`^replayed ${id}: accepted, events \\S+`));
    expect(replayed.code).toBe(0);

    expect((await brygga(settings, 'dead-letters', 'list', '--from', '2099-01-01')).out).toBe('0 shown\n');

    running = await startTestBrygga(settings);
    const arrived = await waitFor(() => lifecare.to(CENTRAL), (m) => m.length === 1, 'the order in the central inbox');
    expect(arrived[0]).toMatchObject({ typ: 'BESTALLNING', beslutsId: 'B-CLI-DL' });
  });
});
