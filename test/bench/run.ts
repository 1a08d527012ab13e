// `npm run bench`: measured rates, printed side by side in one run. Never asserted in tests.
import { resolveInfra } from '../support/infra.ts';
import { deadlineBench } from './deadlines.ts';
import { pipelineRate } from './pipeline.ts';
import { rawKafkaRate } from './raw-kafka.ts';

const orders = Number(process.env.BENCH_ORDERS ?? 500);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const deadlines = Number(process.env.BENCH_DEADLINES ?? 1_000_000);
const rows: [string, number][] = [];
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

progress(`embedded pipeline, ${orders} orders, ${concurrency} concurrent senders`);
rows.push(['orders/s through the embedded pipeline', await pipelineRate({ orders, concurrency })]);

progress('finding Kafka and Redis (KAFKA_BROKERS/REDIS_URL, or scripts/kafka-local)');
const infra = await resolveInfra();
const brokers = infra.kafkaBrokers.split(',');
progress(`Kafka pipeline on ${infra.kafkaBrokers}`);
rows.push(['orders/s through Kafka + Redis', await pipelineRate({ orders, concurrency, kafkaBrokers: brokers, redisUrl: infra.redisUrl })]);
progress('raw kafkajs produce → consume');
const raw = await rawKafkaRate(brokers, orders * 10);
rows.push(['records/s raw kafkajs produce → consume (baseline)', raw]);

progress(`deadlines on Redis: ${deadlines}`);
const d = await deadlineBench(infra.redisUrl, deadlines, progress);

console.log('\nBrygga benchmark (machine: %s cores)', (await import('node:os')).cpus().length);
for (const [name, rate] of rows) console.log(`${name.padEnd(52)} ${rate.toFixed(1).padStart(10)}`);
console.log(`${'Kafka pipeline / raw kafkajs'.padEnd(52)} ${(rows[1]![1] / raw).toFixed(4).padStart(10)}`);
console.log(`\nDeadlines on Redis (${d.opened} opened, half met)`);
console.log(`${'deadlines opened/s'.padEnd(52)} ${d.openPerSecond.toFixed(0).padStart(10)}`);
console.log(`${'deadlines met/s'.padEnd(52)} ${d.meetPerSecond.toFixed(0).padStart(10)}`);
console.log(`${`timers fired/s (sweep of ${d.fired} warnings and breaches)`.padEnd(52)} ${d.sweepPerSecond.toFixed(0).padStart(10)}`);
console.log(`${'Redis bytes per open deadline (used_memory delta)'.padEnd(52)} ${d.bytesPerDeadline.toFixed(0).padStart(10)}`);
console.log(`${'ms for a sweep with nothing due'.padEnd(52)} ${d.idleSweepMs.toFixed(2).padStart(10)}`);
await infra.teardown();
process.exit(0);
