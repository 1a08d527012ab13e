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
    // The limit is shared out over the partitions, as Kafka applies it per partition.
    const topics = join(dataDir, 'bus', 'topics');
    const partitions = Number(readFileSync(join(topics, `${TOPICS.deadLetters}.partitions`), 'utf8'));
    const files = Array.from({ length: partitions }, (_, p) => join(topics, p === 0 ? `${TOPICS.deadLetters}.log` : `${TOPICS.deadLetters}.log.${p}`));
    await waitFor(() => files.map((f) => statSync(f).size), (sizes) => sizes.every((size) => size <= Math.ceil(LIMIT / partitions)), 'the dead-letter topic within its limit');

    const removed = await brygga.bus.removedByRetention(TOPICS.deadLetters);
    expect(removed).toBeGreaterThan(0);
    const kept = new Map<number, number[]>();
    await brygga.bus.readAll(TOPICS.deadLetters, (r) => void kept.set(r.partition, [...(kept.get(r.partition) ?? []), Number(r.offset)]));
    // Each partition keeps its newest records, contiguous; what is gone is what removedByRetention counts.
    for (const offsets of kept.values()) expect(offsets).toEqual(offsets.map((_, i) => offsets[0]! + i));
    expect([...kept.values()].reduce((sum, offsets) => sum + offsets.length, 0)).toBe(sent - removed);

    const metrics = await (await fetch(`${brygga.url}/metrics`)).text();
    expect(metrics).toMatch(/# TYPE brygga_dead_letters_expired_total counter/);
    const value = Number(/^brygga_dead_letters_expired_total (\d+)$/m.exec(metrics)?.[1]);
    expect(value).toBeGreaterThanOrEqual(removed);
    expect(value).toBeLessThan(sent);
  });
});
