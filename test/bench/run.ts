// `npm run bench`: measured rates, printed side by side in one run and written to
// .data/bench/summary.json with the targets beside them. Never asserted in tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { resolveInfra } from '../support/infra.ts';
import { deadlineBench } from './deadlines.ts';
import { BenchPipeline } from './pipeline.ts';
import { rawKafkaRate } from './raw-kafka.ts';

const orders = Number(process.env.BENCH_ORDERS ?? 3000);
/** Orders sent before each throughput run and not counted: JIT compilation and connection set-up are not the steady rate. */
const warmup = Number(process.env.BENCH_WARMUP_ORDERS ?? 500);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const offered = Number(process.env.BENCH_OFFERED_PER_SEC ?? 200);
const latencySeconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const deadlines = Number(process.env.BENCH_DEADLINES ?? 1_000_000);
/** An offered load below capacity, to show the latency when the pipeline keeps up. */
const offeredBelow = Number(process.env.BENCH_OFFERED_BELOW_PER_SEC ?? 100);
/** The heap cap README's "Memory" section recommends where RSS matters more than throughput. */
const cappedHeap = process.env.BENCH_CAPPED_NODE_OPTIONS ?? '--max-semi-space-size=16 --max-old-space-size=192';
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

progress(`embedded pipeline: ${warmup} orders to warm up, then ${orders} orders, ${concurrency} concurrent senders`);
const embedded = await BenchPipeline.start();
await embedded.throughput(warmup, concurrency);
const embeddedCpu = embedded.cpuSeconds();
const embeddedRate = await embedded.throughput(orders, concurrency);
const embeddedCpuMs = ((embedded.cpuSeconds() - embeddedCpu) * 1000) / orders;
const embeddedRss = embedded.peakRssMb();
await embedded.stop();
progress(`embedded: ${embeddedRate.toFixed(1)} orders/s, ${embeddedCpuMs.toFixed(2)} ms CPU per order, peak RSS ${embeddedRss.toFixed(0)} MiB`);

progress('finding Kafka and Redis (KAFKA_BROKERS/REDIS_URL, or scripts/kafka-local)');
const infra = await resolveInfra();
const brokers = infra.kafkaBrokers.split(',');
progress(`Kafka + Redis pipeline on ${infra.kafkaBrokers}: ${orders} orders, ${concurrency} concurrent senders`);
const kafka = await BenchPipeline.start({ kafkaBrokers: infra.kafkaBrokers, redisUrl: infra.redisUrl });
await kafka.throughput(warmup, concurrency);
const kafkaCpu = kafka.cpuSeconds();
const kafkaRate = await kafka.throughput(orders, concurrency);
const kafkaCpuMs = ((kafka.cpuSeconds() - kafkaCpu) * 1000) / orders;
progress(`Kafka: ${kafkaRate.toFixed(1)} orders/s, ${kafkaCpuMs.toFixed(2)} ms CPU per order; now ${offeredBelow}, then ${offered} orders/s offered for ${latencySeconds} s each`);
await kafka.settle();
const latencyBelow = await kafka.latency(offeredBelow, latencySeconds);
await kafka.settle();
const latency = await kafka.latency(offered, latencySeconds);
const kafkaRss = kafka.peakRssMb();
const recordsPerOrder = (await recordsOnTopics(brokers, kafka.namespace)) / (warmup + orders + latencyBelow.orders + latency.orders);
await kafka.stop();

progress(`Kafka + Redis pipeline with the heap capped (NODE_OPTIONS=${cappedHeap}): ${orders} orders`);
const capped = await BenchPipeline.start({ kafkaBrokers: infra.kafkaBrokers, redisUrl: infra.redisUrl, nodeOptions: cappedHeap });
await capped.throughput(warmup, concurrency);
const cappedCpu = capped.cpuSeconds();
const cappedRate = await capped.throughput(orders, concurrency);
const cappedCpuMs = ((capped.cpuSeconds() - cappedCpu) * 1000) / orders;
const cappedRss = capped.peakRssMb();
await capped.stop();

progress('raw kafkajs produce → consume, same broker');
const raw = await rawKafkaRate(brokers, orders * 10);

progress(`deadlines on Redis: ${deadlines}`);
const d = await deadlineBench(infra.redisUrl, deadlines, progress);
await infra.teardown();

const rssMb = Math.max(embeddedRss, kafkaRss);
const summary = {
  machine: { cores: cpus().length, node: process.version },
  load: { warmupOrders: warmup, orders, concurrency },
  embedded: { ordersPerSec: round(embeddedRate), cpuMsPerOrder: round(embeddedCpuMs), rssMb: round(embeddedRss) },
  kafka: { ordersPerSec: round(kafkaRate), recordsPerOrder: round(recordsPerOrder), cpuMsPerOrder: round(kafkaCpuMs), rssMb: round(kafkaRss) },
  raw: { recordsPerSec: round(raw) },
  latency: { adapters: 'kafka + redis', offeredPerSec: offered, orders: latency.orders, p50Ms: round(latency.p50Ms), p99Ms: round(latency.p99Ms) },
  latencyBelowCapacity: { offeredPerSec: offeredBelow, orders: latencyBelow.orders, p50Ms: round(latencyBelow.p50Ms), p99Ms: round(latencyBelow.p99Ms) },
  rssMb: round(rssMb),
  cappedHeap: { nodeOptions: cappedHeap, adapters: 'kafka + redis', ordersPerSec: round(cappedRate), cpuMsPerOrder: round(cappedCpuMs), rssMb: round(cappedRss) },
  deadlines: { opened: d.opened, openedPerSec: round(d.openPerSecond), metPerSec: round(d.meetPerSecond), firedPerSec: round(d.sweepPerSecond), redisBytesPerDeadline: round(d.bytesPerDeadline), idleSweepMs: round(d.idleSweepMs) },
  targets: {
    kafkaRecordsAtLeastHalfOfRaw: kafkaRate * recordsPerOrder >= 0.5 * raw,
    embeddedAtLeast1000OrdersPerSec: embeddedRate >= 1000,
    p99AtMost100Ms: latency.p99Ms <= 100,
    rssAtMost250Mb: rssMb <= 250,
  },
};
mkdirSync('.data/bench', { recursive: true });
writeFileSync('.data/bench/summary.json', `${JSON.stringify(summary, null, 2)}\n`);

const row = (name: string, value: number | string) => console.log(`${name.padEnd(60)} ${String(value).padStart(12)}`);
console.log(`\nBrygga benchmark (${summary.machine.cores} cores, Node ${process.version}); written to .data/bench/summary.json`);
row('orders/s, embedded pipeline', embeddedRate.toFixed(1));
row('ms CPU per order, embedded (Brygga process)', embeddedCpuMs.toFixed(2));
row('orders/s, Kafka + Redis pipeline', kafkaRate.toFixed(1));
row('ms CPU per order, Kafka + Redis (Brygga process)', kafkaCpuMs.toFixed(2));
row('records per order on Kafka', recordsPerOrder.toFixed(2));
row('records/s through the Kafka pipeline (orders/s × records)', (kafkaRate * recordsPerOrder).toFixed(0));
row('records/s raw kafkajs produce → consume (baseline)', raw.toFixed(0));
row('pipeline records/s ÷ raw', ((kafkaRate * recordsPerOrder) / raw).toFixed(3));
row(`latency p50 ms (accepted → delivered, ${offered}/s offered, Kafka + Redis)`, latency.p50Ms.toFixed(1));
row('latency p99 ms (same)', latency.p99Ms.toFixed(1));
row(`latency p50 ms (same, ${offeredBelow}/s offered)`, latencyBelow.p50Ms.toFixed(1));
row(`latency p99 ms (same, ${offeredBelow}/s offered)`, latencyBelow.p99Ms.toFixed(1));
row('peak RSS of the Brygga process (largest run), MiB', rssMb.toFixed(0));
console.log(`Kafka + Redis with the heap capped (NODE_OPTIONS=${cappedHeap})`);
row('  orders/s', cappedRate.toFixed(1));
row('  ms CPU per order', cappedCpuMs.toFixed(2));
row('  peak RSS, MiB', cappedRss.toFixed(0));
console.log(`\nDeadlines on Redis (${d.opened} opened, half met)`);
row('deadlines opened/s', d.openPerSecond.toFixed(0));
row('deadlines met/s', d.meetPerSecond.toFixed(0));
row(`timers fired/s (sweep of ${d.fired} warnings and breaches)`, d.sweepPerSecond.toFixed(0));
row('Redis bytes per open deadline (used_memory delta)', d.bytesPerDeadline.toFixed(0));
row('ms for a sweep with nothing due', d.idleSweepMs.toFixed(2));
console.log('\ntargets (issue 8):', JSON.stringify(summary.targets));
process.exit(0);

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Every record on the run's topics (the namespace keeps other runs out). */
async function recordsOnTopics(brokers: string[], namespace: string): Promise<number> {
  const admin = new Kafka({ clientId: 'brygga-bench', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(namespace));
    let total = 0;
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high) - Number(p.low);
    return total;
  } finally {
    await admin.disconnect();
  }
}
