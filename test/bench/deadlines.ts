// The deadline store at scale, on Redis: open N deadlines, meet half, sweep the due ones through
// the deadline service; rates, Redis memory per deadline, and the cost of a sweep with nothing due.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { ManualClock } from '../../src/clock.ts';
import { RedisStore } from '../../src/store/redis/redis-store.ts';
import { deadlineServiceOn } from '../support/deadline-service.ts';

export interface DeadlineBenchResult {
  opened: number;
  openPerSecond: number;
  meetPerSecond: number;
  fired: number;
  sweepPerSecond: number;
  bytesPerDeadline: number;
  idleSweepMs: number;
}

const CHUNK = 2_000;
const DAY = 86_400_000;

async function inChunks(count: number, step: (i: number) => Promise<unknown>, progress: (line: string) => void, what: string): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i += CHUNK) {
    await Promise.all(Array.from({ length: Math.min(CHUNK, count - i) }, (_, j) => step(i + j)));
    if ((i / CHUNK) % 50 === 0) progress(`${what}: ${i + CHUNK} of ${count}`);
  }
  return count / ((performance.now() - started) / 1000);
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

export async function deadlineBench(redisUrl: string, count: number, progress: (line: string) => void): Promise<DeadlineBenchResult> {
  const prefix = `bench-${randomUUID().slice(0, 8)}:`;
  const redis = new Redis(redisUrl);
  const store = new RedisStore({ redis: redisUrl, prefix });
  const now = Date.parse('2026-11-27T00:00:00+01:00');
  const idOf = (i: number) => `ord-bench-${i}:kvittens`;
  // Due times spread over twenty days around now: about half are due at `now`.
  const dueOf = (i: number) => now - 10 * DAY + Math.floor((i * 20 * DAY) / count);
  try {
    const before = await usedMemory(redis);
    const openPerSecond = await inChunks(count, (i) => store.openDeadline({
      id: idOf(i), orderId: `ord-bench-${i}`, kind: 'kvittens', rule: 'R-KVITTENS-3VD',
      openedAt: dueOf(i) - 4 * DAY, dueAt: dueOf(i), warnAt: dueOf(i) - DAY, context: { caseOfficerId: 'bih-4711', sourceSystem: 'lifecare' },
    }), progress, 'open');
    const bytesPerDeadline = (await usedMemory(redis) - before) / count;

    const idleStarted = performance.now();
    await store.claimDue(now - 11 * DAY, 500, 30_000);
    const idleSweepMs = performance.now() - idleStarted;

    const meetPerSecond = await inChunks(count / 2, (i) => store.closeDeadline(idOf(i * 2), 'met', now - 11 * DAY, 'bench'), progress, 'meet');

    const bus = new EmbeddedBus({ dataDir: mkdtempSync(join(tmpdir(), 'brygga-bench-')), logger: pino({ level: 'silent' }) });
    await bus.ensureTopics([{ name: TOPICS.deadlineEvents, partitions: 1, retentionMs: -1 }]);
    const service = deadlineServiceOn(bus, store, new ManualClock(now));
    progress('sweeping the due timers');
    const sweepStarted = performance.now();
    const fired = await service.sweep();
    const sweepPerSecond = fired / ((performance.now() - sweepStarted) / 1000);
    await bus.close();
    return { opened: count, openPerSecond, meetPerSecond, fired, sweepPerSecond, bytesPerDeadline, idleSweepMs };
  } finally {
    progress('removing the benchmark deadlines');
    await store.clearDeadlines();
    await store.close();
    await redis.quit();
  }
}
