// Dead letters cannot fill the disk: the dead-letter topic keeps what deadLetters.retentionBytes
// allows, the oldest going first, and /metrics counts what was removed (embedded default).
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import type { RunningBrygga } from '../../src/main.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

const LIMIT = 64 * 1024;

describe('dead-letter retention (embedded)', () => {
  const lifecare = new LifecareStandIn();
  let brygga: RunningBrygga;
  let dataDir: string;

  beforeAll(async () => {
    await lifecare.start();
    const dir = mkdtempSync(join(tmpdir(), 'brygga-dlr-'));
    copyFileSync(join(dirname(DEFAULT_CONFIG_FILE), 'deadline-rules.yaml'), join(dir, 'deadline-rules.yaml'));
    const configFile = join(dir, 'brygga.yaml');
    writeFileSync(configFile, `${readFileSync(DEFAULT_CONFIG_FILE, 'utf8')}\ndeadLetters:\n  retentionBytes: ${LIMIT}\n`);
    const settings = testSettings('embedded', lifecare.url, { configFile });
    dataDir = settings.dataDir;
    brygga = await startTestBrygga(settings);
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  it('keeps the newest refused bodies within deadLetters.retentionBytes and counts the removed ones in /metrics', async () => {
    const sent = 40;
    for (let i = 0; i < sent; i++) {
      const body = Buffer.from(`<Meddelande><broken nr="${i}">${'x'.repeat(4000)}</Meddelande>`);
      expect((await postMessage(brygga.url, 'lifecare', body)).status).toBe(400);
    }
    const file = join(dataDir, 'bus', 'topics', `${TOPICS.deadLetters}.log`);
    await waitFor(() => statSync(file).size, (size) => size <= LIMIT, 'the dead-letter topic within its limit');

    const removed = await brygga.bus.removedByRetention(TOPICS.deadLetters);
    expect(removed).toBeGreaterThan(0);
    const kept: string[] = [];
    await brygga.bus.readAll(TOPICS.deadLetters, (r) => void kept.push(r.offset));
    expect(kept.map(Number)).toEqual(Array.from({ length: sent - removed }, (_, i) => removed + i));

    const metrics = await (await fetch(`${brygga.url}/metrics`)).text();
    expect(metrics).toMatch(/# TYPE brygga_dead_letters_expired_total counter/);
    const value = Number(/^brygga_dead_letters_expired_total (\d+)$/m.exec(metrics)?.[1]);
    expect(value).toBeGreaterThanOrEqual(removed);
    expect(value).toBeLessThan(sent);
  });
});
