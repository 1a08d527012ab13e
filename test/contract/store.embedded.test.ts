import { appendFile, mkdtemp, open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import type { Store } from '../../src/store/store.ts';
import { deadline, storeContract } from './store.contract.ts';

const dirs: string[] = [];
const dirOf = new WeakMap<Store, string>();

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'brygga-store-'));
  dirs.push(dir);
  return dir;
}

function storeIn(dir: string, compactAfter?: number): EmbeddedStore {
  const store = new EmbeddedStore({ dataDir: dir, compactAfter });
  dirOf.set(store, dir);
  return store;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

storeContract(
  'embedded',
  async () => storeIn(await dataDir()),
  async (store) => {
    await store.close();
    return storeIn(dirOf.get(store)!);
  },
);

describe('EmbeddedStore on disk', () => {
  const T0 = Date.UTC(2025, 2, 3, 8);

  it('tolerates a torn last journal line, and appends after it cleanly', async () => {
    const dir = await dataDir();
    let store = storeIn(dir);
    const d = deadline({ dueAt: T0 });
    await store.openDeadline(d);
    await store.append('trace', 'a');
    await store.close();
    await appendFile(join(dir, 'journal.jsonl'), '{"n":3,"op":"append","key":"tra');

    store = storeIn(dir);
    expect((await store.getDeadline(d.id))?.status).toBe('open');
    expect(await store.range('trace')).toEqual(['a']);
    await store.append('trace', 'b');
    await store.close();

    store = storeIn(dir);
    expect(await store.range('trace')).toEqual(['a', 'b']);
    await store.close();
  });

  it('refuses a journal that is corrupt before its end', async () => {
    const dir = await dataDir();
    let store = storeIn(dir);
    await store.set('k', 'v');
    await store.close();
    const journal = join(dir, 'journal.jsonl');
    const good = await readFile(journal, 'utf8');
    await rm(journal);
    await appendFile(journal, `garbage\n${good}`);
    store = storeIn(dir);
    await expect(store.get('k')).rejects.toThrow(/corrupt line 1/);
    await store.close();
  });

  it('compacts into a snapshot and keeps the state, including leases and TTLs', async () => {
    const dir = await dataDir();
    let store = storeIn(dir, 20);
    const ds = Array.from({ length: 30 }, (_, i) => deadline({ dueAt: T0 + i, warnAt: i % 3 === 0 ? T0 - 1 : undefined }));
    for (const d of ds) await store.openDeadline(d);
    await Promise.all(ds.slice(0, 5).map((d) => store.closeDeadline(d.id, 'cancelled', T0, 'operator', 'withdrawn')));
    const claimed = await store.claimDue(T0 + 10, 100, 60_000);
    expect(claimed).toHaveLength(14);
    await store.completeTimer(claimed[0]!.deadline.id, claimed[0]!.phase, T0 + 11);
    for (let i = 0; i < 40; i++) await store.append('trace', String(i));
    await store.set('gone', 'x', 1);
    await store.set('kept', 'y', 60_000);
    const before = {
      open: await store.listDeadlines('open', 100),
      cancelled: await store.listDeadlines('cancelled', 100),
      breached: await store.listDeadlines('breached', 100),
    };
    await store.close();

    expect((await stat(join(dir, 'snapshot.jsonl'))).size).toBeGreaterThan(0);
    const journalLines = (await readFile(join(dir, 'journal.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(journalLines.length).toBeLessThan(40);
    expect(await readdir(dir)).not.toContain('snapshot.jsonl.tmp');

    store = storeIn(dir, 20);
    expect({
      open: await store.listDeadlines('open', 100),
      cancelled: await store.listDeadlines('cancelled', 100),
      breached: await store.listDeadlines('breached', 100),
    }).toEqual(before);
    expect(await store.range('trace')).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    expect(await store.get('gone')).toBeUndefined();
    expect(await store.get('kept')).toBe('y');
    // Claimed and uncompleted timers stay leased until T0 + 10 + 60s.
    expect(await store.claimDue(T0 + 10, 100, 60_000)).toEqual([]);
    const again = await store.claimDue(T0 + 60_010, 100, 60_000);
    expect(again.map((t) => t.deadline.id)).toEqual(expect.arrayContaining(claimed.slice(1).map((t) => t.deadline.id)));
    await store.close();
  });

  it('compacts while changes keep arriving without losing or repeating any', async () => {
    const dir = await dataDir();
    let store = storeIn(dir, 50);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 1_000; i++) {
      pending.push(store.append('trace', String(i)));
      if (i % 37 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(pending);
    const expected = Array.from({ length: 1_000 }, (_, i) => String(i));
    expect(await store.range('trace')).toEqual(expected);
    await store.close();
    expect((await stat(join(dir, 'snapshot.jsonl'))).size).toBeGreaterThan(0);
    store = storeIn(dir, 50);
    expect(await store.range('trace')).toEqual(expected);
    await store.close();
  });

  it('groups the writes of one tick into one journal write, each resolving when durable', async () => {
    const dir = await dataDir();
    const store = storeIn(dir);
    await store.set('warm', 'up');
    const probe = await open(join(dir, 'probe'), 'w');
    const datasync = vi.spyOn(Object.getPrototypeOf(probe) as { datasync: () => Promise<void> }, 'datasync');
    await probe.close();
    try {
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => store.setIfAbsent(`idem:${i % 250}`, String(i))));
      expect(results.filter(Boolean)).toHaveLength(250);
      expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      datasync.mockRestore();
    }
    const lines = (await readFile(join(dir, 'journal.jsonl'), 'utf8')).split('\n').filter(Boolean);
    expect(lines).toHaveLength(251);
    await store.close();
  });
});
