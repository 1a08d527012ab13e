// `npm run bench`: measured rates, printed side by side in one run. Never asserted in tests.
import { resolveInfra } from '../support/infra.ts';
import { pipelineRate } from './pipeline.ts';
import { rawKafkaRate } from './raw-kafka.ts';

const orders = Number(process.env.BENCH_ORDERS ?? 500);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
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

console.log('\nBrygga benchmark (machine: %s cores)', (await import('node:os')).cpus().length);
for (const [name, rate] of rows) console.log(`${name.padEnd(52)} ${rate.toFixed(1).padStart(10)}`);
console.log(`${'Kafka pipeline / raw kafkajs'.padEnd(52)} ${(rows[1]![1] / raw).toFixed(4).padStart(10)}`);
await infra.teardown();
process.exit(0);
