// The Paraply connector's SOAP route on a real Fastify app listening on loopback, with the
// intake on an embedded bus in a temporary directory, and what lands on the bus collected.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { paraply, type ParaplyConfig } from '../../connectors/paraply/index.ts';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { fromBusRecord, type CloudEvent } from '../../src/canonical/envelope.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { EventPublisher } from '../../src/canonical/publisher.ts';
import { ManualClock } from '../../src/clock.ts';
import type { ConnectorContext } from '../../src/connectors/connector.ts';
import { createIntake } from '../../src/connectors/intake.ts';
import { createMetrics } from '../../src/metrics.ts';
import { DeadLetters } from '../../src/routing/dead-letters.ts';
import { testLogger } from './logs.ts';

export interface ParaplyHarness {
  app: FastifyInstance;
  bus: EmbeddedBus;
  clock: ManualClock;
  url: string;
  records(topic: string): CloudEvent[];
  close(): Promise<void>;
}

/** The SOAP route on a real Fastify app, listening on loopback, with the intake on an embedded bus. */
export async function openParaplyHarness(config: ParaplyConfig, maxBytes = 5 * 1024 * 1024): Promise<ParaplyHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brygga-paraply-'));
  const logger = testLogger();
  const bus = new EmbeddedBus({ dataDir: join(dataDir, 'bus'), logger });
  await bus.ensureTopics(Object.values(TOPICS).map((name) => ({ name, partitions: 1, retentionMs: -1 })));
  const clock = new ManualClock(Date.parse('2026-11-23T08:00:05+01:00'));
  const metrics = createMetrics();
  const publisher = new EventPublisher(bus, clock);
  const deadLetters = new DeadLetters(publisher, metrics, () => clock.now());
  const context: ConnectorContext = {
    intake: createIntake({ publisher, deadLetters, metrics, logger }),
    clock, logger, pseudonymKey: 'test-pseudonym-key-0123456789', maxBytes,
  };
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: maxBytes });
  paraply.routes!(app, config, context);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const seen = new Map<string, CloudEvent[]>();
  const subscriptions = await Promise.all([TOPICS.orderEvents, TOPICS.deadLetters].map((topic) => {
    seen.set(topic, []);
    return bus.subscribe({
      groupId: `paraply-test-${topic}`,
      topics: [topic],
      fromBeginning: true,
      handler: async (record) => {
        seen.get(topic)!.push(fromBusRecord(record));
      },
    });
  }));
  return {
    app, bus, clock,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/connectors/paraply/soap`,
    records: (topic) => seen.get(topic)!,
    async close() {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await app.close();
      await bus.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

