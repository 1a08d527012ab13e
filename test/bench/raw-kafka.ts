// The baseline: plain kafkajs produce → consume of records the size of an order event, on the
// same broker, with the same producer guarantees (acks=all, idempotent).
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

export async function rawKafkaRate(brokers: string[], records: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'brygga-bench', brokers, logLevel: logLevel.NOTHING });
  const topic = `bench.raw.${randomUUID().slice(0, 8)}.v1`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  const value = Buffer.alloc(2048, 'x');
  let seen = 0;
  const done = new Promise<void>((resolve) => {
    void consumer.run({ eachMessage: async () => { if (++seen === records) resolve(); } });
  });
  const started = performance.now();
  for (let i = 0; i < records; i += 100) {
    const batch = Array.from({ length: Math.min(100, records - i) }, (_, j) => ({ key: `order-${i + j}`, value }));
    await producer.send({ topic, acks: -1, messages: batch });
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  return records / seconds;
}
