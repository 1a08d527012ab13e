// `npm run bench`: measured rates, printed side by side in one run and written to
// .data/bench/summary.json with the targets beside them. Never asserted in tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { resolveInfra } from '../support/infra.ts';
import { deadlineBench } from './deadlines.ts';
import { BenchPipeline } from './pipeline.ts';
import { rawKafkaRate } from './raw-kafka.ts';
import { rawPlatformaticRate } from './raw-platformatic.ts';

const orders = Number(process.env.BENCH_ORDERS ?? 3000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const offered = Number(process.env.BENCH_OFFERED_PER_SEC ?? 200);
const latencySeconds = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
const deadlines = Number(process.env.BENCH_DEADLINES ?? 1_000_000);
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
/** The Kafka clients measured side by side (BRYGGA_KAFKA_CLIENT values) with their raw baselines. */
const CLIENTS = [
  { client: 'kafkajs', raw: rawKafkaRate },
  { client: 'platformatic', raw: rawPlatformaticRate },
] as const;

interface KafkaRun {
  client: string;
  ordersPerSec: number;
  recordsPerOrder: number;
  cpuMsPerOrder: number;
  rssMb: number;
  rawRecordsPerSec: number;
  latency: { p50Ms: number; p99Ms: number; orders: number };
}

progress(`embedded pipeline: ${orders} orders, ${concurrency} concurrent senders`);
const embedded = await BenchPipeline.start();
const embeddedCpu = embedded.cpuSeconds();
const embeddedRate = await embedded.throughput(orders, concurrency);
const embeddedCpuMs = ((embedded.cpuSeconds() - embeddedCpu) * 1000) / orders;
const embeddedRss = embedded.peakRssMb();
await embedded.stop();
progress(`embedded: ${embeddedRate.toFixed(1)} orders/s, ${embeddedCpuMs.toFixed(2)} ms CPU per order, peak RSS ${embeddedRss.toFixed(0)} MiB`);

progress('finding Kafka and Redis (KAFKA_BROKERS/REDIS_URL, or scripts/kafka-local)');
const infra = await resolveInfra();
const brokers = infra.kafkaBrokers.split(',');
const runs: KafkaRun[] = [];
for (const { client, raw } of CLIENTS) {
  progress(`Kafka (${client}) + Redis pipeline on ${infra.kafkaBrokers}: ${orders} orders, ${concurrency} concurrent senders`);
  const pipeline = await BenchPipeline.start({ kafkaBrokers: infra.kafkaBrokers, redisUrl: infra.redisUrl, kafkaClient: client });
  const cpu = pipeline.cpuSeconds();
  const ordersPerSec = await pipeline.throughput(orders, concurrency);
  const cpuMsPerOrder = ((pipeline.cpuSeconds() - cpu) * 1000) / orders;
  progress(`Kafka (${client}): ${ordersPerSec.toFixed(1)} orders/s, ${cpuMsPerOrder.toFixed(2)} ms CPU per order; now ${offered} orders/s offered for ${latencySeconds} s`);
  const latency = await pipeline.latency(offered, latencySeconds);
  const rssMb = pipeline.peakRssMb();
  const recordsPerOrder = (await recordsOnTopics(brokers, pipeline.namespace)) / (orders + latency.orders);
  await pipeline.stop();
  progress(`raw ${client} produce → consume, same broker`);
  runs.push({ client, ordersPerSec, recordsPerOrder, cpuMsPerOrder, rssMb, rawRecordsPerSec: await raw(brokers, orders * 10), latency });
}
// The client kept as the one Kafka adapter is the one whose pipeline moves the most orders.
const kafka = runs.reduce((best, run) => (run.ordersPerSec > best.ordersPerSec ? run : best));
const { latency, recordsPerOrder, rawRecordsPerSec: raw } = kafka;
const kafkaRate = kafka.ordersPerSec;
const kafkaRss = kafka.rssMb;

progress(`deadlines on Redis: ${deadlines}`);
const d = await deadlineBench(infra.redisUrl, deadlines, progress);
await infra.teardown();

const rssMb = Math.max(embeddedRss, ...runs.map((r) => r.rssMb));
const summary = {
  machine: { cores: cpus().length, node: process.version },
  embedded: { ordersPerSec: round(embeddedRate), cpuMsPerOrder: round(embeddedCpuMs), rssMb: round(embeddedRss) },
  kafka: { client: kafka.client, ordersPerSec: round(kafkaRate), recordsPerOrder: round(recordsPerOrder), cpuMsPerOrder: round(kafka.cpuMsPerOrder), rssMb: round(kafkaRss) },
  raw: { client: kafka.client, recordsPerSec: round(raw) },
  clients: runs.map((r) => ({ ...r, ordersPerSec: round(r.ordersPerSec), recordsPerOrder: round(r.recordsPerOrder), cpuMsPerOrder: round(r.cpuMsPerOrder), rssMb: round(r.rssMb), rawRecordsPerSec: round(r.rawRecordsPerSec), latency: { ...r.latency, p50Ms: round(r.latency.p50Ms), p99Ms: round(r.latency.p99Ms) } })),
  latency: { adapters: `kafka (${kafka.client}) + redis`, offeredPerSec: offered, orders: latency.orders, p50Ms: round(latency.p50Ms), p99Ms: round(latency.p99Ms) },
  rssMb: round(rssMb),
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
for (const run of runs) {
  console.log(`Kafka client ${run.client}${run === kafka ? ' (kept: most orders/s)' : ''}`);
  row('  orders/s, Kafka + Redis pipeline', run.ordersPerSec.toFixed(1));
  row('  ms CPU per order (Brygga process)', run.cpuMsPerOrder.toFixed(2));
  row('  records per order on Kafka', run.recordsPerOrder.toFixed(2));
  row('  records/s through the pipeline (orders/s × records)', (run.ordersPerSec * run.recordsPerOrder).toFixed(0));
  row(`  records/s raw ${run.client} produce → consume (baseline)`, run.rawRecordsPerSec.toFixed(0));
  row('  pipeline records/s ÷ raw', ((run.ordersPerSec * run.recordsPerOrder) / run.rawRecordsPerSec).toFixed(3));
  row(`  latency p50 ms (accepted → delivered, ${offered}/s offered)`, run.latency.p50Ms.toFixed(1));
  row('  latency p99 ms (same)', run.latency.p99Ms.toFixed(1));
  row('  peak RSS of the Brygga process, MiB', run.rssMb.toFixed(0));
}
row('peak RSS of the Brygga process (largest run), MiB', rssMb.toFixed(0));
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
