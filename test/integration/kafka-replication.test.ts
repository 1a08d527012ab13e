// Topics Brygga creates get the configured replication factor (BRYGGA_KAFKA_REPLICATION_FACTOR),
// else the broker's default.replication.factor. The run's broker is a single node, so a factor
// above 1 is refused by it: that proves the setting reaches the broker.
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaBus } from '../../src/bus/kafka.ts';
import { settingsFromEnv } from '../../src/config/settings.ts';

const logger = pino({ level: 'silent' });
let brokers: string[];
let admin: Admin;

beforeAll(async () => {
  brokers = inject('kafkaBrokers').split(',');
  admin = new Kafka({ clientId: 'brygga-replication-test', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});
afterAll(async () => admin?.disconnect());

async function brokerDefault(): Promise<number> {
  const { brokers: [first] } = await admin.describeCluster();
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: String(first!.nodeId) }] });
  return Number(resources[0]!.configEntries.find((e) => e.configName === 'default.replication.factor')!.configValue);
}

describe('replication factor of the topics Brygga creates', () => {
  it("is the broker's default.replication.factor when none is configured", async () => {
    const namespace = `replication-${randomUUID().slice(0, 8)}.`;
    const bus = new KafkaBus({ brokers, clientId: 'brygga-replication-test', logger, namespace });
    try {
      await bus.ensureTopics([{ name: 'orders.events.v1', partitions: 2, retentionMs: -1 }]);
      const { topics } = await admin.fetchTopicMetadata({ topics: [`${namespace}orders.events.v1`] });
      expect(topics[0]!.partitions.map((p) => p.replicas.length)).toEqual([await brokerDefault(), await brokerDefault()]);
    } finally {
      await bus.close();
    }
  });

  it('is the configured factor: the single broker refuses 2 replicas', async () => {
    const namespace = `replication-${randomUUID().slice(0, 8)}.`;
    const bus = new KafkaBus({ brokers, clientId: 'brygga-replication-test', logger, namespace, replicationFactor: 2 });
    try {
      expect((await admin.describeCluster()).brokers).toHaveLength(1);
      await expect(bus.ensureTopics([{ name: 'orders.events.v1', partitions: 1, retentionMs: -1 }])).rejects.toThrow();
      expect(await admin.listTopics()).not.toContain(`${namespace}orders.events.v1`);
    } finally {
      await bus.close();
    }
  });
});

describe('BRYGGA_KAFKA_REPLICATION_FACTOR', () => {
  it('is a whole number of at least 1', () => {
    expect(settingsFromEnv({ BRYGGA_KAFKA_REPLICATION_FACTOR: '3' }).kafkaReplicationFactor).toBe(3);
    expect(settingsFromEnv({}).kafkaReplicationFactor).toBeUndefined();
    expect(settingsFromEnv({ BRYGGA_KAFKA_REPLICATION_FACTOR: '' }).kafkaReplicationFactor).toBeUndefined();
    for (const bad of ['0', '-1', '2.5', 'three']) expect(() => settingsFromEnv({ BRYGGA_KAFKA_REPLICATION_FACTOR: bad })).toThrow(/BRYGGA_KAFKA_REPLICATION_FACTOR/);
  });
});
