// The Kafka bus: the bus contract on the run's broker (the newest Kafka 4.x) and on the 3.9 line
// Brygga also supports, then what the Kafka adapter owes beyond the contract.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import type { BusRecord, ConsumedRecord } from '../../src/bus/bus.ts';
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

// Kafka refuses records over a topic's max.message.bytes (1 MiB unless set): Brygga sets it on the
// topics it creates, and names the command for topics that existed before.
describe('KafkaBus record size limit', () => {
  it('creates topics with max.message.bytes and segments that hold such a record; warns of an existing topic with a smaller limit, naming the fix', async () => {
    const brokers = inject('kafkaBrokers').split(',');
    const lines: { msg: string; topic?: string; needed?: number; fix?: string }[] = [];
    const bus = new KafkaBus({ brokers, clientId: 'brygga-contract', logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) }) });
    const admin = new Kafka({ clientId: 'brygga-contract-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const created = `contract.max-record.${randomUUID().slice(0, 8)}`;
      const older = `contract.max-record-old.${randomUUID().slice(0, 8)}`;
      const maxRecordBytes = 30 * 1024 * 1024;
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: older, numPartitions: 1 }] });
      await bus.ensureTopics([
        { name: created, partitions: 1, retentionMs: 3_600_000, retentionBytes: 64 * 1024 * 1024, maxRecordBytes },
        { name: older, partitions: 1, retentionMs: -1, maxRecordBytes },
      ]);
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: created }] });
      const config = Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
      expect(config).toMatchObject({ 'max.message.bytes': String(maxRecordBytes), 'segment.bytes': String(maxRecordBytes) });
      const warnings = lines.filter((l) => l.msg.includes('max.message.bytes'));
      expect(warnings.map((w) => w.topic)).toEqual([older]);
      expect(warnings[0]).toMatchObject({ needed: maxRecordBytes });
      expect(warnings[0]!.fix).toContain(`--entity-name ${older} --add-config max.message.bytes=${maxRecordBytes}`);
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });
});

// kafkajs 2.2.4 looked at its pending requests every millisecond on every connection, forever
// (src/bus/kafkajs-request-queue.ts): an idle bus must not.
describe('KafkaBus idle connections', () => {
  it('a bus that has published and consumed and is now idle does not look at its request queues every millisecond', async () => {
    const queue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as { prototype: { checkPendingRequests(): void } };
    const bus = busOn(inject('kafkaBrokers').split(','));
    try {
      const name = `contract.idle.${randomUUID().slice(0, 8)}`;
      await bus.ensureTopics([{ name, partitions: 1, retentionMs: -1 }]);
      await bus.publish(name, [{ key: 'k', value: Buffer.from('v'), headers: {} }]);
      await new Promise<void>((resolve) => void bus.subscribe({ groupId: `idle-${randomUUID().slice(0, 8)}`, topics: [name], handler: async () => resolve() }));
      const looks = vi.spyOn(queue.prototype, 'checkPendingRequests');
      await sleep(1_000);
      const count = looks.mock.calls.length;
      looks.mockRestore();
      // Each answer (a fetch every 100 ms, heartbeats) looks once; the loop looked about a thousand times a second per connection.
      expect(count).toBeLessThan(100);
    } finally {
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

// Offsets are committed on an interval (src/bus/kafka-offsets.ts), not per batch: a long interval
// here makes what a stop or a rebalance commits visible.
describe('KafkaBus offset commits', () => {
  const brokers = (): string[] => inject('kafkaBrokers').split(',');
  const slowCommits = (): KafkaBus => new KafkaBus({ brokers: brokers(), clientId: 'brygga-contract', logger, commitIntervalMs: 600_000 });
  const record = (key: string, i: number): BusRecord => ({ key, value: Buffer.from(`${key}/${i}`), headers: { seq: String(i) } });
  const committed = async (admin: Admin, groupId: string, topic: string): Promise<number> => {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  };

  it('commits what a member handled when it stops, not after every batch', async () => {
    const bus = slowCommits();
    const admin = new Kafka({ clientId: 'brygga-contract-admin', brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topic = `contract.commits.${randomUUID().slice(0, 8)}`;
      const groupId = `contract-${randomUUID().slice(0, 8)}`;
      await bus.ensureTopics([{ name: topic, partitions: 2, retentionMs: -1 }]);
      const seen: string[] = [];
      const subscription = await bus.subscribe({ groupId, topics: [topic], handler: async (r) => void seen.push(r.offset) });
      for (let i = 0; i < 6; i++) await bus.publish(topic, [record(`k${i}`, i)]);
      await vi.waitFor(() => expect(seen).toHaveLength(6), { timeout: 20_000 });
      expect(await committed(admin, groupId, topic)).toBe(0);
      await subscription.stop();
      expect(await committed(admin, groupId, topic)).toBe(6);
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });

  it('a topic deleted and created again under a running member: its new records are handled, not skipped as handled before', async () => {
    const bus = new KafkaBus({ brokers: brokers(), clientId: 'brygga-contract', logger });
    const admin = new Kafka({ clientId: 'brygga-contract-admin', brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topic = `contract.recreated.${randomUUID().slice(0, 8)}`;
      const spec = { name: topic, partitions: 1, retentionMs: -1 };
      await bus.ensureTopics([spec]);
      const seen: string[] = [];
      await bus.subscribe({ groupId: `contract-${randomUUID().slice(0, 8)}`, topics: [topic], handler: async (r) => void seen.push(r.value.toString()) });
      for (let i = 0; i < 5; i++) await bus.publish(topic, [record('old', i)]);
      await vi.waitFor(() => expect(seen).toHaveLength(5), { timeout: 20_000 });

      await admin.deleteTopics({ topics: [topic] });
      await vi.waitFor(async () => expect(await admin.listTopics()).not.toContain(topic), { timeout: 30_000, interval: 200 });
      // The broker may still be removing the old partitions: created again once it lets us.
      await vi.waitFor(() => bus.ensureTopics([spec]), { timeout: 30_000, interval: 500 });
      for (let i = 0; i < 3; i++) await bus.publish(topic, [record('new', i)]);
      await vi.waitFor(() => expect(seen.slice(5)).toEqual(['new/0', 'new/1', 'new/2']), { timeout: 60_000, interval: 200 });
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  });

  it('a member joining takes over partitions at what the first member handled: no record handled twice', async () => {
    const first = slowCommits();
    const second = slowCommits();
    try {
      const topic = `contract.join.${randomUUID().slice(0, 8)}`;
      const groupId = `contract-${randomUUID().slice(0, 8)}`;
      await first.ensureTopics([{ name: topic, partitions: 4, retentionMs: -1 }]);
      const handled: string[] = [];
      const handler = async (r: ConsumedRecord): Promise<void> => void handled.push(`${r.partition}:${r.offset}`);
      await first.subscribe({ groupId, topics: [topic], handler });
      const keys = Array.from({ length: 12 }, (_, i) => `order-${i}`);
      await first.publish(topic, keys.map((key) => record(key, 0)));
      await vi.waitFor(() => expect(handled).toHaveLength(12), { timeout: 20_000 });

      await second.subscribe({ groupId, topics: [topic], handler });
      await first.publish(topic, keys.map((key) => record(key, 1)));
      await vi.waitFor(() => expect(handled).toHaveLength(24), { timeout: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(handled).toHaveLength(24);
      expect(new Set(handled).size).toBe(24);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
