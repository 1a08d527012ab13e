import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BusRecord, ConsumedRecord } from '../../src/bus/bus.ts';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { createMetrics } from '../../src/metrics.ts';
import { busContract } from './bus.contract.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const dirs: string[] = [];

/** A logger whose lines the test can read. */
function capturing(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (chunks.push(chunk.toString()), done()) });
  return { logger: pino({ level: 'debug' }, sink), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'brygga-bus-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

busContract('embedded', async () => new EmbeddedBus({ dataDir: await dataDir(), logger }));

describe('EmbeddedBus on disk', () => {
  const record = (i: number): BusRecord => ({ key: 'k', value: Buffer.from([i, 0xff]), headers: { seq: String(i) } });
  const readAll = async (bus: EmbeddedBus, topic: string): Promise<ConsumedRecord[]> => {
    const out: ConsumedRecord[] = [];
    await bus.readAll(topic, (r) => void out.push(r));
    return out;
  };

  it('keeps records and committed offsets across a reopen', async () => {
    const dir = await dataDir();
    const first = new EmbeddedBus({ dataDir: dir, logger });
    await first.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    await first.publish('orders', [0, 1, 2].map(record));
    const seen: string[] = [];
    const sub = await first.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void seen.push(r.offset) });
    await vi.waitFor(() => expect(seen).toEqual(['0', '1', '2']));
    await sub.stop();
    await first.close();

    const second = new EmbeddedBus({ dataDir: dir, logger });
    await second.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    await second.publish('orders', [3, 4].map(record));
    expect((await readAll(second, 'orders')).map((r) => r.headers.seq)).toEqual(['0', '1', '2', '3', '4']);
    const later: string[] = [];
    await second.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void later.push(r.offset) });
    await vi.waitFor(() => expect(later).toEqual(['3', '4']));
    await second.close();
  });

  it('drops a torn last line left by a crash and appends after the last whole record', async () => {
    const dir = await dataDir();
    const first = new EmbeddedBus({ dataDir: dir, logger });
    await first.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    await first.publish('orders', [0, 1].map(record));
    await first.close();
    const file = join(dir, 'topics', 'orders.log');
    await appendFile(file, '{"offset":2,"timestamp":17');

    const second = new EmbeddedBus({ dataDir: dir, logger });
    expect((await readAll(second, 'orders')).map((r) => r.offset)).toEqual(['0', '1']);
    await second.publish('orders', [record(2)]);
    await second.close();
    // A garbage whole line (zero-filled blocks after power loss can end in a newline) goes too.
    await appendFile(file, '\0\0\0\n');

    const third = new EmbeddedBus({ dataDir: dir, logger });
    const read = await readAll(third, 'orders');
    expect(read.map((r) => r.offset)).toEqual(['0', '1', '2']);
    expect(read[2]!.value).toEqual(Buffer.from([2, 0xff]));
    await third.close();
    expect((await readFile(file, 'utf8')).endsWith('}\n')).toBe(true);
  });

  it('after a crash mid-append: earlier records intact, a warning, and publishing and consuming go on', async () => {
    const dir = await dataDir();
    const first = new EmbeddedBus({ dataDir: dir, logger });
    await first.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    await first.publish('orders', [0, 1, 2].map(record));
    await first.close();
    const file = join(dir, 'topics', 'orders.log');
    const whole = await readFile(file, 'utf8');
    const lastLine = whole.trimEnd().split('\n').at(-1)!;
    // Half of a record as a crash during the write leaves it: no newline, cut mid-JSON.
    await appendFile(file, lastLine.replace('"offset":2', '"offset":3').slice(0, Math.floor(lastLine.length / 2)));

    const { logger: watched, lines } = capturing();
    const second = new EmbeddedBus({ dataDir: dir, logger: watched });
    const read = await readAll(second, 'orders');
    expect(read.map((r) => r.headers.seq)).toEqual(['0', '1', '2']);
    expect(read.map((r) => r.value)).toEqual([0, 1, 2].map((i) => record(i).value));
    expect(lines().find((l) => l.msg === 'truncating a torn record at the end of the topic log')).toMatchObject({ level: 40, topic: 'orders' });
    expect(await readFile(file, 'utf8')).toBe(whole);

    await second.publish('orders', [3, 4].map(record));
    const seen: string[] = [];
    await second.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void seen.push(`${r.offset}:${r.headers.seq}`) });
    await vi.waitFor(() => expect(seen).toEqual(['0:0', '1:1', '2:2', '3:3', '4:4']));
    await second.close();
  });

  it('a damaged committed-offsets file stops that group with an error naming the file, not a silent restart; the rest goes on', async () => {
    const dir = await dataDir();
    const first = new EmbeddedBus({ dataDir: dir, logger });
    await first.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    await first.publish('orders', [0, 1].map(record));
    const seen: string[] = [];
    await first.subscribe({ groupId: 'router', topics: ['orders'], handler: async (r) => void seen.push(r.offset) });
    await vi.waitFor(() => expect(seen).toEqual(['0', '1']));
    await first.close();
    const groupFile = join(dir, 'groups', 'router.json');
    expect(JSON.parse(await readFile(groupFile, 'utf8'))).toEqual({ orders: 2 });
    await writeFile(groupFile, '{"orders":2');

    const second = new EmbeddedBus({ dataDir: dir, logger });
    const subscribing = second.subscribe({ groupId: 'router', topics: ['orders'], handler: async () => {} });
    await expect(subscribing).rejects.toThrow(groupFile);
    await expect(subscribing).rejects.toThrow(/damaged/);
    // Other groups and publishing are unaffected, and the file is left for the operator.
    await second.publish('orders', [record(2)]);
    const other: string[] = [];
    await second.subscribe({ groupId: 'trace', topics: ['orders'], handler: async (r) => void other.push(r.offset) });
    await vi.waitFor(() => expect(other).toEqual(['0', '1', '2']));
    expect(await readFile(groupFile, 'utf8')).toBe('{"orders":2');
    await second.close();
  });

  it('retention by size drops whole records from the head, offsets stay, a group behind starts at the first kept, the metric counts it', async () => {
    const dir = await dataDir();
    const { logger: watched, lines } = capturing();
    const bus = new EmbeddedBus({ dataDir: dir, logger: watched });
    const spec = { name: 'deadletter.records.v1', partitions: 1, retentionMs: -1, retentionBytes: 2000 };
    await bus.ensureTopics([spec]);
    const big = (i: number): BusRecord => ({ key: `dl-${i}`, value: Buffer.alloc(300, i), headers: { seq: String(i) } });
    // A group that commits offset 0 and then stands still (stopped) while the topic grows.
    const early: string[] = [];
    await bus.publish(spec.name, [big(0)]);
    const stopped = await bus.subscribe({ groupId: 'slow', topics: [spec.name], handler: async (r) => void early.push(r.offset) });
    await vi.waitFor(() => expect(early).toEqual(['0']));
    await stopped.stop();
    for (let i = 1; i < 30; i++) await bus.publish(spec.name, [big(i)]);

    const file = join(dir, 'topics', `${spec.name}.log`);
    await vi.waitFor(async () => expect((await stat(file)).size).toBeLessThanOrEqual(2000));
    const removed = await bus.removedByRetention(spec.name);
    expect(removed).toBeGreaterThan(0);
    const kept = await readAll(bus, spec.name);
    expect(kept.map((r) => Number(r.offset))).toEqual(Array.from({ length: 30 - removed }, (_, i) => removed + i));
    expect(kept.at(-1)!.value).toEqual(Buffer.alloc(300, 29));
    expect(lines().some((l) => l.msg === 'retention removed records from the head of the topic')).toBe(true);

    const metrics = createMetrics({ deadLettersExpired: () => bus.removedByRetention(spec.name) });
    expect(await metrics.registry.getSingleMetricAsString('brygga_dead_letters_expired_total')).toContain(`brygga_dead_letters_expired_total ${removed}`);

    const later: string[] = [];
    await bus.subscribe({ groupId: 'slow', topics: [spec.name], handler: async (r) => void later.push(r.offset) });
    await vi.waitFor(() => expect(later.at(-1)).toBe('29'));
    expect(Number(later[0])).toBe(removed);
    await bus.publish(spec.name, [big(30)]);
    await vi.waitFor(() => expect(later.at(-1)).toBe('30'));
    await bus.close();

    // The first kept offset survives a reopen: the file's first line names it.
    const reopened = new EmbeddedBus({ dataDir: dir, logger });
    await reopened.ensureTopics([spec]);
    const first = await reopened.removedByRetention(spec.name);
    expect(first).toBeGreaterThanOrEqual(removed);
    await reopened.publish(spec.name, [big(31)]);
    const all = await readAll(reopened, spec.name);
    expect(all.at(-1)).toMatchObject({ offset: '31', headers: { seq: '31' } });
    expect(all.map((r) => Number(r.offset))).toEqual(Array.from({ length: 32 - first }, (_, i) => first + i));
    await reopened.close();
  });

  it('retention by age drops records older than retentionMs at the periodic check, never the newest', async () => {
    const dir = await dataDir();
    const bus = new EmbeddedBus({ dataDir: dir, logger, retentionCheckMs: 100 });
    const spec = { name: 'deadletter.records.v1', partitions: 1, retentionMs: 500, retentionBytes: 1 << 30 };
    await bus.ensureTopics([spec]);
    await bus.publish(spec.name, [0, 1, 2].map(record));
    await vi.waitFor(async () => expect(await bus.removedByRetention(spec.name)).toBe(2), { timeout: 30_000, interval: 100 });
    expect((await readAll(bus, spec.name)).map((r) => r.offset)).toEqual(['2']);
    await bus.publish(spec.name, [record(3)]);
    expect((await readAll(bus, spec.name)).map((r) => r.offset)).toEqual(['2', '3']);
    await bus.close();
  });

  it('refuses topics that were never created, like Kafka without auto-creation', async () => {
    const bus = new EmbeddedBus({ dataDir: await dataDir(), logger });
    await expect(bus.publish('missing', [record(0)])).rejects.toThrow(/unknown topic/);
    await bus.close();
  });
});
