import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { BusRecord, ConsumedRecord } from '../../src/bus/bus.ts';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { busContract } from './bus.contract.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const dirs: string[] = [];

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

  it('refuses topics that were never created, like Kafka without auto-creation', async () => {
    const bus = new EmbeddedBus({ dataDir: await dataDir(), logger });
    await expect(bus.publish('missing', [record(0)])).rejects.toThrow(/unknown topic/);
    await bus.close();
  });
});
