// What the Treserva tests build instead of Brygga's composition root: the embedded bus in a data
// directory, the publisher, dead letters and the intake, and a connector context over them.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { EmbeddedBus } from '../../../src/bus/embedded.ts';
import { fromBusRecord, type CloudEvent } from '../../../src/canonical/envelope.ts';
import { TOPICS } from '../../../src/canonical/event-types.ts';
import { EventPublisher } from '../../../src/canonical/publisher.ts';
import { systemClock } from '../../../src/clock.ts';
import type { ConnectorContext } from '../../../src/connectors/connector.ts';
import { createIntake } from '../../../src/connectors/intake.ts';
import { createMetrics } from '../../../src/metrics.ts';
import { DeadLetters } from '../../../src/routing/dead-letters.ts';

export interface Harness {
  bus: EmbeddedBus;
  ctx: ConnectorContext;
  /** Every canonical event on a topic, in append order. */
  events(topic?: string): Promise<CloudEvent[]>;
  close(): Promise<void>;
}

export async function openHarness(dataDir: string, logger: Logger): Promise<Harness> {
  const bus = new EmbeddedBus({ dataDir: join(dataDir, 'bus'), logger });
  await bus.ensureTopics(Object.values(TOPICS).map((name) => ({ name, partitions: 1, retentionMs: -1 })));
  const metrics = createMetrics();
  const publisher = new EventPublisher(bus, systemClock);
  const deadLetters = new DeadLetters(publisher, metrics, () => systemClock.now());
  const ctx: ConnectorContext = {
    intake: createIntake({ publisher, deadLetters, metrics, logger }),
    clock: systemClock,
    logger,
    pseudonymKey: 'test-pseudonym-key-0123456789',
    maxBytes: 5 * 1024 * 1024,
  };
  return {
    bus,
    ctx,
    async events(topic = TOPICS.orderEvents) {
      const found: CloudEvent[] = [];
      await bus.readAll(topic, (record) => {
        found.push(fromBusRecord(record));
      });
      return found;
    },
    close: () => bus.close(),
  };
}
