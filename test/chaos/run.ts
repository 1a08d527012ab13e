// `npm run chaos`: 10,000 orders while Brygga is SIGKILLed 20 times, on the embedded default and on
// Kafka + Redis (there also a broker restart and a Redis restart mid-stream). Exit 1 unless every
// accepted order reached both its inboxes under one MeddelandeId each.
//
//   CHAOS_ORDERS (10000), CHAOS_KILLS (20), CHAOS_SEED (random; printed), CHAOS_ADAPTERS
//   (embedded,kafka+redis), CHAOS_CONCURRENCY (8), CHAOS_LOG_DIR (Brygga's logs; default .data/chaos)
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AdapterSet } from '../support/brygga.ts';
import { formatReport, passed, runChaos, type ChaosReport } from './chaos.ts';
import { endEverything } from './infra.ts';

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    endEverything();
    process.exit(130);
  });
}

const env = process.env;
const int = (name: string, fallback: number): number => {
  const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got '${env[name]}'`);
  return value;
};
const orders = int('CHAOS_ORDERS', 10_000);
const kills = int('CHAOS_KILLS', 20);
const seed = int('CHAOS_SEED', Math.floor(Math.random() * 2 ** 31));
const concurrency = int('CHAOS_CONCURRENCY', 8);
const adapters = (env.CHAOS_ADAPTERS ?? 'embedded,kafka+redis').split(',').map((a) => a.trim()) as AdapterSet[];
for (const a of adapters) if (a !== 'embedded' && a !== 'kafka+redis') throw new Error(`CHAOS_ADAPTERS: unknown '${a}' (embedded, kafka+redis)`);
const logDir = resolve(env.CHAOS_LOG_DIR ?? '.data/chaos');
mkdirSync(logDir, { recursive: true });

console.log(`chaos: ${orders} orders, ${kills} kills, concurrency ${concurrency}, adapters ${adapters.join(', ')}, seed ${seed} (CHAOS_SEED=${seed} repeats the plan)`);
const reports: ChaosReport[] = [];
for (const set of adapters) {
  const report = await runChaos({
    adapters: set, orders, kills, seed, concurrency,
    restartBroker: true, restartRedis: true, outageMs: 2_000,
    leaseMs: 3_000, lifecareTimeoutMs: 2_000,
    sendTimeoutMs: 3_600_000, drainTimeoutMs: 600_000,
    logDir, progress: (line) => console.log(line),
  });
  reports.push(report);
  console.log(formatReport(report));
}
const ok = reports.every(passed);
console.log(ok ? 'chaos: passed (0 lost, 0 doubled)' : 'chaos: FAILED');
process.exit(ok ? 0 : 1);
