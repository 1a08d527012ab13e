// The baseline on @platformatic/kafka, measured as raw-kafka.ts measures kafkajs: records the size
// of an order event, sent 100 at a time with acks=all and an idempotent producer, consumed by a
// new group from the beginning, on the same broker.
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Producer, compatibilityPartitioner, stringSerializer } from '@platformatic/kafka';

export async function rawPlatformaticRate(brokers: string[], records: number): Promise<number> {
  const client = { clientId: 'brygga-bench', bootstrapBrokers: brokers };
  const topic = `bench.raw.${randomUUID().slice(0, 8)}.v1`;
  const admin = new Admin(client);
  await admin.createTopics({ topics: [topic], partitions: 6 });
  const producer = new Producer({ ...client, idempotent: true, partitioner: compatibilityPartitioner, serializers: { key: stringSerializer } });
  const consumer = new Consumer({ ...client, groupId: `bench-${randomUUID()}` });
  const value = Buffer.alloc(2048, 'x');
  let seen = 0;
  const done = new Promise<void>((resolve, reject) => {
    consumer.consume({ topics: [topic], mode: 'earliest' }).then((stream) => {
      stream.on('data', () => {
        if (++seen === records) resolve();
      });
      stream.on('error', reject);
    }, reject);
  });
  const started = performance.now();
  for (let i = 0; i < records; i += 100) {
    const batch = Array.from({ length: Math.min(100, records - i) }, (_, j) => ({ topic, key: `order-${i + j}`, value }));
    await producer.send({ messages: batch });
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all([producer.close(), consumer.close(true)]);
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.close();
  return records / seconds;
}
