// The Kafka bus: the bus contract on the run's broker (the newest Kafka 4.x) and on the 3.9 line
// Brygga also supports, then what the Kafka adapter owes beyond the contract.
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus } from '../../src/bus/kafka.ts';
import { resolveKafka39 } from '../support/infra.ts';
import { busContract } from './bus.contract.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const busOn = (brokers: string[], namespace?: string): KafkaBus => new KafkaBus({ brokers, clientId: 'brygga-contract', logger, ...(namespace ? { namespace } : {}) });

busContract('kafka', async () => busOn(inject('kafkaBrokers').split(',')));

let kafka39: Awaited<ReturnType<typeof resolveKafka39>> | undefined;
afterAll(async () => kafka39?.teardown());
busContract('kafka 3.9', async () => {
  kafka39 = await resolveKafka39();
  return busOn(kafka39.brokers.split(','));
});

// Kafka enforces retention on the broker, per segment, on its own schedule: assert what Brygga
// asked for is the topic's configuration (the contract checks what is kept stays whole).
describe('KafkaBus topic retention', () => {
  it('creates a bounded topic with retention.ms, retention.bytes per partition and segments small enough to be deleted', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const bus = busOn(brokers);
    const admin = new Kafka({ clientId: 'brygga-contract-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topic = `contract.retention-config.${randomUUID().slice(0, 8)}`;
      const unbounded = `contract.retention-none.${randomUUID().slice(0, 8)}`;
      await bus.ensureTopics([
        { name: topic, partitions: 3, retentionMs: 30 * 24 * 3600 * 1000, retentionBytes: 3 * 64 * 1024 * 1024 },
        { name: unbounded, partitions: 1, retentionMs: -1 },
      ]);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [topic, unbounded].map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t })),
      });
      const config = (t: string) => Object.fromEntries(resources.find((r) => r.resourceName === t)!.configEntries.map((e) => [e.configName, e.configValue]));
      expect(config(topic)).toMatchObject({
        'retention.ms': String(30 * 24 * 3600 * 1000),
        'retention.bytes': String(64 * 1024 * 1024),
        'segment.bytes': String(16 * 1024 * 1024),
        'segment.ms': String(3.75 * 24 * 3600 * 1000),
      });
      expect(config(unbounded)).toMatchObject({ 'retention.ms': '-1', 'retention.bytes': '-1' });
      expect(await bus.removedByRetention(topic)).toBe(0);
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });
});

// Several deployments (or test runs) on one cluster: each namespace has its own topics and groups.
describe('KafkaBus namespace', () => {
  it('puts the namespace before every topic and group, and hands records back under Brygga\'s own topic names', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const namespaces = ['a', 'b'].map((n) => `ns-${n}-${randomUUID().slice(0, 8)}.`);
    const [a, b] = namespaces.map((namespace) => busOn(brokers, namespace));
    const admin = new Kafka({ clientId: 'brygga-contract-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      for (const bus of [a!, b!]) await bus.ensureTopics([{ name: 'orders.events.v1', partitions: 1, retentionMs: -1 }]);
      await a!.publish('orders.events.v1', [{ key: 'k', value: Buffer.from('only in a'), headers: {} }]);
      const seen = { a: [] as string[], b: [] as string[] };
      await a!.readAll('orders.events.v1', (r) => void seen.a.push(`${r.topic}:${r.value.toString()}`));
      await b!.readAll('orders.events.v1', (r) => void seen.b.push(r.value.toString()));
      expect(seen).toEqual({ a: ['orders.events.v1:only in a'], b: [] });
      const topics = await admin.listTopics();
      expect(namespaces.map((ns) => topics.includes(`${ns}orders.events.v1`))).toEqual([true, true]);
    } finally {
      await admin.disconnect();
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});
