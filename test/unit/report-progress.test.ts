// A report over a long log says how far it has read (the CLI prints it as a progress line).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { toBusRecord } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES, TOPICS } from '../../src/canonical/event-types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import { topicSpecs } from '../../src/main.ts';
import { ReportService } from '../../src/reports/service.ts';

describe('reports over a long log', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brygga-report-progress-'));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('tells the records read every 10,000', async () => {
    const config = loadConfig(DEFAULT_CONFIG_FILE, { LIFECARE_URL: 'http://127.0.0.1:9/lifecare', BRYGGA_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789' });
    const bus = new EmbeddedBus({ dataDir, logger: pino({ level: 'silent' }) });
    await bus.ensureTopics(topicSpecs(config));
    // Events no report counts: only the reading is measured here.
    const records = Array.from({ length: 25_000 }, (_, i) => toBusRecord({
      specversion: '1.0', id: `e-${i}`, source: '/test', type: EVENT_TYPES.deliveryRequested, time: '2026-11-02T08:00:00.000Z',
      subject: `ord-${i}`, datacontenttype: 'application/json', correlationid: `ord-${i}`, data: {},
    }));
    await bus.publish(TOPICS.orderEvents, records);
    const read: number[] = [];
    const reports = new ReportService(bus, config, () => Date.parse('2026-11-30T12:00:00Z'), (n) => read.push(n));
    await reports.sectionLeader('2026-11-30');
    await bus.close();
    expect(read).toEqual([10_000, 20_000]);
  });
});
