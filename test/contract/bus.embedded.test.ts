import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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


  it('stages that keep up get the newest records from memory: the same as the file gives after a reopen, each stage its own copy', async () => {
    const dir = await dataDir();
    const bus = new EmbeddedBus({ dataDir: dir, logger });
    await bus.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    const sent = [0, 1, 2].map((i): BusRecord => ({ key: `k${i}`, value: Buffer.from([0x00, 0xff, i, 0xc3, 0xa5]), headers: { seq: String(i), ce_id: `id-åäö-${i}` } }));
    const copy = (r: ConsumedRecord) => ({ ...r, headers: { ...r.headers }, value: Buffer.from(r.value) });
    const careless: ConsumedRecord[] = [];
    const other: ConsumedRecord[] = [];
    await bus.subscribe({ groupId: 'careless', topics: ['orders'], handler: async (r) => {
      careless.push(copy(r));
      r.value.fill(0);
      r.headers.seq = 'changed';
    } });
    await bus.publish('orders', sent);
    await vi.waitFor(() => expect(careless).toHaveLength(3));
    await bus.subscribe({ groupId: 'other', topics: ['orders'], handler: async (r) => void other.push(copy(r)) });
    await vi.waitFor(() => expect(other).toHaveLength(3));
    await bus.close();

    const reopened = new EmbeddedBus({ dataDir: dir, logger });
    await reopened.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    const fromFile = (await readAll(reopened, 'orders')).map(copy);
    await reopened.close();
    expect(fromFile.map((r) => [r.key, r.value, r.headers])).toEqual(sent.map((r) => [r.key, r.value, r.headers]));
    expect(careless).toEqual(fromFile);
    expect(other).toEqual(fromFile);
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
    expect(JSON.parse(await readFile(groupFile, 'utf8'))).toEqual({ orders: { 0: 2 } });
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

  it('commits between snapshots are lines in <group>.commits: a restart after a crash resumes after the last whole line, a torn last line was never a commit', async () => {
    const dir = await dataDir();
    const first = new EmbeddedBus({ dataDir: dir, logger });
    await first.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    await first.publish('orders', [0, 1, 2, 3, 4].map(record));
    let handled = 0;
    await first.subscribe({ groupId: 'g', topics: ['orders'], handler: async () => void handled++ });
    await vi.waitFor(() => expect(handled).toBe(5));
    await first.close();
    expect(JSON.parse(await readFile(join(dir, 'groups', 'g.json'), 'utf8'))).toEqual({ orders: { 0: 5 } });
    expect(await readFile(join(dir, 'groups', 'g.commits'), 'utf8')).toBe('');
    // As a crash leaves them: the snapshot behind, two commits after it and one torn mid-append.
    await writeFile(join(dir, 'groups', 'g.json'), JSON.stringify({ orders: { 0: 1 } }));
    await writeFile(join(dir, 'groups', 'g.commits'), '{"orders":{"0":2}}\n{"orders":{"0":3}}\n{"orders":{"0"');

    const second = new EmbeddedBus({ dataDir: dir, logger });
    const seen: string[] = [];
    await second.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void seen.push(r.offset) });
    await vi.waitFor(() => expect(seen).toEqual(['3', '4']));
    await second.close();
    expect(JSON.parse(await readFile(join(dir, 'groups', 'g.json'), 'utf8'))).toEqual({ orders: { 0: 5 } });
  });

  it('folds commit lines into the offsets file as it goes; a copy taken while it runs (as a crash leaves it) resumes after the last commit', async () => {
    const dir = await dataDir();
    const bus = new EmbeddedBus({ dataDir: dir, logger, commitLinesBeforeFold: 3 });
    await bus.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    let handled = 0;
    await bus.subscribe({ groupId: 'g', topics: ['orders'], handler: async () => void handled++ });
    for (let i = 0; i < 10; i++) {
      await bus.publish('orders', [record(i)]);
      await vi.waitFor(() => expect(handled).toBe(i + 1));
    }
    // Ten commits, folded after the third, sixth and ninth: one line after the last fold.
    await vi.waitFor(async () => expect(await readFile(join(dir, 'groups', 'g.commits'), 'utf8')).toBe('{"orders":{"0":10}}\n'));
    expect(JSON.parse(await readFile(join(dir, 'groups', 'g.json'), 'utf8'))).toEqual({ orders: { 0: 9 } });

    const copy = await dataDir();
    await cp(dir, copy, { recursive: true });
    await bus.close();
    const after = new EmbeddedBus({ dataDir: copy, logger });
    await after.publish('orders', [record(10)]);
    const seen: string[] = [];
    await after.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void seen.push(r.offset) });
    await vi.waitFor(() => expect(seen).toEqual(['10']));
    await after.close();
  });

  it('a damaged commit line before the last stops the group with an error naming the file; without a snapshot the group starts over', async () => {
    const dir = await dataDir();
    const bus = new EmbeddedBus({ dataDir: dir, logger });
    await bus.ensureTopics([{ name: 'orders', partitions: 1, retentionMs: -1 }]);
    await bus.publish('orders', [0, 1, 2].map(record));
    await writeFile(join(dir, 'groups', 'g.json'), JSON.stringify({ orders: { 0: 1 } }));
    const commits = join(dir, 'groups', 'g.commits');
    await writeFile(commits, 'not json\n{"orders":{"0":2}}\n');
    const subscribing = bus.subscribe({ groupId: 'g', topics: ['orders'], handler: async () => {} });
    await expect(subscribing).rejects.toThrow(commits);
    await expect(subscribing).rejects.toThrow(/damaged/);

    await rm(join(dir, 'groups', 'g.json'));
    const seen: string[] = [];
    await bus.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void seen.push(r.offset) });
    await vi.waitFor(() => expect(seen).toEqual(['0', '1', '2']));
    await bus.close();
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

  describe('partitions', () => {
    const keyed = (key: string, i: number): BusRecord => ({ key, value: Buffer.from(`${key}/${i}`), headers: { seq: String(i) } });
    const keys = Array.from({ length: 24 }, (_, i) => `order-${i}`);
    const byPartition = (records: ConsumedRecord[]): Map<number, ConsumedRecord[]> => {
      const map = new Map<number, ConsumedRecord[]>();
      for (const r of records) map.set(r.partition, [...(map.get(r.partition) ?? []), r]);
      return map;
    };

    it('spreads keys over the partitions, one key on one partition, offsets per partition; the count is on disk', async () => {
      const dir = await dataDir();
      const bus = new EmbeddedBus({ dataDir: dir, logger });
      await bus.ensureTopics([{ name: 'orders', partitions: 4, retentionMs: -1 }]);
      await bus.publish('orders', keys.flatMap((key) => [0, 1, 2].map((i) => keyed(key, i))));
      const read = await readAll(bus, 'orders');
      expect(read).toHaveLength(keys.length * 3);
      const partitions = byPartition(read);
      expect(partitions.size).toBeGreaterThan(1);
      for (const [partition, records] of partitions) {
        expect(partition).toBeGreaterThanOrEqual(0);
        expect(partition).toBeLessThan(4);
        expect(records.map((r) => Number(r.offset))).toEqual(records.map((_, i) => i));
      }
      for (const key of keys) {
        const mine = read.filter((r) => r.key === key);
        expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
        expect(mine.map((r) => r.headers.seq)).toEqual(['0', '1', '2']);
      }
      await bus.close();
      expect((await readdir(join(dir, 'topics'))).sort()).toEqual(['orders.log', 'orders.log.1', 'orders.log.2', 'orders.log.3', 'orders.partitions']);

      // A later ensureTopics asking for other partitions leaves the topic as it was created.
      const reopened = new EmbeddedBus({ dataDir: dir, logger });
      await reopened.ensureTopics([{ name: 'orders', partitions: 2, retentionMs: -1 }]);
      expect(await readAll(reopened, 'orders')).toEqual(read);
      await reopened.close();
    });

    it('runs batches of several partitions at once, one key strictly in order, and stop waits for all of them', async () => {
      const bus = new EmbeddedBus({ dataDir: await dataDir(), logger });
      await bus.ensureTopics([{ name: 'orders', partitions: 4, retentionMs: -1 }]);
      await bus.publish('orders', keys.flatMap((key) => Array.from({ length: 5 }, (_, i) => keyed(key, i))));
      const seen: ConsumedRecord[] = [];
      const running = new Map<number, number>();
      const activeKeys = new Set<string>();
      let mostPartitionsAtOnce = 0;
      let sameKeyOverlap = false;
      let inHandler = 0;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const sub = await bus.subscribe({
        groupId: 'g',
        topics: ['orders'],
        handler: async (r) => {
          inHandler++;
          if (r.headers.seq === '5') await gate;
          if (activeKeys.has(r.key)) sameKeyOverlap = true;
          activeKeys.add(r.key);
          running.set(r.partition, (running.get(r.partition) ?? 0) + 1);
          mostPartitionsAtOnce = Math.max(mostPartitionsAtOnce, [...running.values()].filter((n) => n > 0).length);
          await new Promise((resolve) => setTimeout(resolve, 2 + (r.key.length % 3)));
          running.set(r.partition, running.get(r.partition)! - 1);
          activeKeys.delete(r.key);
          seen.push(r);
          inHandler--;
        },
      });
      await vi.waitFor(() => expect(seen).toHaveLength(keys.length * 5));
      for (const key of keys) expect(seen.filter((r) => r.key === key).map((r) => r.headers.seq)).toEqual(['0', '1', '2', '3', '4']);
      expect(sameKeyOverlap).toBe(false);
      expect(mostPartitionsAtOnce).toBeGreaterThan(1);

      // Records held in their handlers on several partitions: stop resolves once all are done.
      await bus.publish('orders', keys.map((key) => keyed(key, 5)));
      await vi.waitFor(() => expect(inHandler).toBeGreaterThan(1));
      let stopped = false;
      const stopping = sub.stop().then(() => (stopped = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(inHandler).toBe(0);
      await bus.close();
    });

    it('a restart resumes each partition at its committed offset: nothing redelivered, nothing skipped', async () => {
      const dir = await dataDir();
      const first = new EmbeddedBus({ dataDir: dir, logger });
      await first.ensureTopics([{ name: 'orders', partitions: 4, retentionMs: -1 }]);
      await first.publish('orders', keys.map((key) => keyed(key, 0)));
      const before: ConsumedRecord[] = [];
      await first.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void before.push(r) });
      await vi.waitFor(() => expect(before).toHaveLength(keys.length));
      await first.close();
      const ends = Object.fromEntries([...byPartition(before)].map(([p, records]) => [p, records.length]));
      expect(JSON.parse(await readFile(join(dir, 'groups', 'g.json'), 'utf8'))).toEqual({ orders: ends });

      const second = new EmbeddedBus({ dataDir: dir, logger });
      await second.publish('orders', keys.map((key) => keyed(key, 1)));
      const after: ConsumedRecord[] = [];
      await second.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void after.push(r) });
      await vi.waitFor(() => expect(after).toHaveLength(keys.length));
      expect(after.every((r) => r.headers.seq === '1')).toBe(true);
      for (const [partition, records] of byPartition(after)) {
        expect(records.map((r) => Number(r.offset))).toEqual(records.map((_, i) => ends[partition]! + i));
      }
      await second.close();
    });

    it('opens a data dir in the single-partition layout: one partition, committed offsets kept', async () => {
      const dir = await dataDir();
      await mkdir(join(dir, 'topics'));
      await mkdir(join(dir, 'groups'));
      // As the code before partitions wrote them: one file per topic, offsets per topic.
      const line = (offset: number, key: string) => `${JSON.stringify({ offset, timestamp: Date.now(), key, headers: { seq: String(offset) }, value: Buffer.from(`old ${offset}`).toString('base64') })}\n`;
      await writeFile(join(dir, 'topics', 'orders.log'), [0, 1, 2, 3].map((i) => line(i, `order-${i}`)).join(''));
      await writeFile(join(dir, 'groups', 'g.json'), JSON.stringify({ orders: 2 }));

      const bus = new EmbeddedBus({ dataDir: dir, logger });
      await bus.ensureTopics([{ name: 'orders', partitions: 4, retentionMs: -1 }]);
      await bus.publish('orders', keys.slice(0, 4).map((key) => keyed(key, 4)));
      const seen: string[] = [];
      const sub = await bus.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void seen.push(`${r.partition}:${r.offset}`) });
      await vi.waitFor(() => expect(seen).toHaveLength(6));
      expect(seen).toEqual(['0:2', '0:3', '0:4', '0:5', '0:6', '0:7']);
      expect((await readAll(bus, 'orders')).map((r) => r.value.toString()).slice(0, 4)).toEqual(['old 0', 'old 1', 'old 2', 'old 3']);
      await sub.stop();
      await bus.close();
      expect(JSON.parse(await readFile(join(dir, 'groups', 'g.json'), 'utf8'))).toEqual({ orders: { 0: 8 } });
      expect(await readdir(join(dir, 'topics'))).toEqual(['orders.log']);

      const reopened = new EmbeddedBus({ dataDir: dir, logger });
      const again: string[] = [];
      await reopened.publish('orders', [keyed('order-9', 8)]);
      await reopened.subscribe({ groupId: 'g', topics: ['orders'], handler: async (r) => void again.push(`${r.partition}:${r.offset}`) });
      await vi.waitFor(() => expect(again).toEqual(['0:8']));
      await reopened.close();
    });

    it('cuts a torn tail off a partition file and appends after its last whole record', async () => {
      const dir = await dataDir();
      const first = new EmbeddedBus({ dataDir: dir, logger });
      await first.ensureTopics([{ name: 'orders', partitions: 4, retentionMs: -1 }]);
      await first.publish('orders', keys.map((key) => keyed(key, 0)));
      const written = await readAll(first, 'orders');
      await first.close();
      const torn = written.find((r) => r.partition > 0)!;
      const file = join(dir, 'topics', `orders.log.${torn.partition}`);
      const whole = await readFile(file, 'utf8');
      await appendFile(file, '{"offset":99,"timestamp":17');

      const { logger: watched, lines } = capturing();
      const second = new EmbeddedBus({ dataDir: dir, logger: watched });
      expect(await readAll(second, 'orders')).toEqual(written);
      expect(lines().find((l) => l.msg === 'truncating a torn record at the end of the topic log')).toMatchObject({ level: 40, topic: 'orders', partition: torn.partition });
      expect(await readFile(file, 'utf8')).toBe(whole);
      await second.publish('orders', [keyed(torn.key, 1)]);
      const inPartition = (await readAll(second, 'orders')).filter((r) => r.partition === torn.partition);
      expect(inPartition.map((r) => Number(r.offset))).toEqual(inPartition.map((_, i) => i));
      expect(inPartition.at(-1)).toMatchObject({ key: torn.key, headers: { seq: '1' } });
      await second.close();
    });
  });

  it('refuses topics that were never created, like Kafka without auto-creation', async () => {
    const bus = new EmbeddedBus({ dataDir: await dataDir(), logger });
    await expect(bus.publish('missing', [record(0)])).rejects.toThrow(/unknown topic/);
    await bus.close();
  });
});
