// Losing the store loses nothing the log can give back: after the store is wiped mid-life,
// `brygga rebuild` restores the traces (by order id and by Lifecare reference), the client's
// orders (by pseudonymous client id), the client's placement (a later follow-up still reaches the unit, R-ORDER-CENTRAL-INBOX), the deadlines
// in every status (R-KVITTENS-3VD, R-EXEC-3M) and the delivered markers, so a restarted
// Brygga sends nothing twice. A second rebuild finds nothing missing.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config/load.ts';
import { deadlineSetup, openAdapters, type RunningBrygga } from '../../src/main.ts';
import { rebuildStore, unresolved, type StoreRebuildReport } from '../../src/rebuild/rebuild.ts';
import { deliveredKey } from '../../src/routing/delivery-worker.ts';
import { InboxDirectory } from '../../src/routing/inboxes.ts';
import type { Deadline, Store } from '../../src/store/store.ts';
import { clientKey, type TraceEntry } from '../../src/trace/projector.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { ADAPTER_SETS, startTestBrygga, testSettings, type AdapterSet } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { testLogger } from '../support/logs.ts';
import { deleteKeysWithPrefix } from '../support/redis-keys.ts';
import { waitFor } from '../support/wait.ts';

const UNIT_INBOX = 'ÄO Dagverksamhet Månstorps Ängar';
const ROUTED = /^se\.brygga\.(order\.|deadline\.(warning|breached))/;
const FOLLOW_UP = readFileSync(new URL('../../connectors/lifecare/fixtures/uppfoljning/input.xml', import.meta.url), 'utf8');

/** The Lifecare follow-up for the same client (new decision), with ids unique to this run. */
function followUp(beslutsId: string): Buffer {
  return Buffer.from(FOLLOW_UP.replaceAll('B-2027-0102', beslutsId).replaceAll('LC-2027-', `LC-${beslutsId}-`), 'utf8');
}

interface Snapshot {
  traces: Record<string, OrderTrace>;
  values: Record<string, string | undefined>;
  /** The client's order ids (client:<clientId>), sorted: the live projector and rebuild may append them in another order. */
  clients: Record<string, string[]>;
  deadlines: Deadline[];
}

describe.each(ADAPTER_SETS)('brygga rebuild after the store is wiped (%s)', (adapters: AdapterSet) => {
  const lifecare = new LifecareStandIn();
  const clock = new ManualClock(Date.parse('2026-11-23T10:00:00+01:00'));
  const run = `${Math.floor(Math.random() * 1e6)}`;
  const [a, b, c] = [0, 1, 2].map((i) => `B-RS${run}-${i}`) as [string, string, string];
  const [f1, f2] = [`F-RS${run}-1`, `F-RS${run}-2`];
  let settings: ReturnType<typeof testSettings>;
  let brygga: RunningBrygga | undefined;

  beforeAll(async () => {
    await lifecare.start();
    // A pseudonym key of its own: the client's id (and so its placement) is this run's alone,
    // however many other runs the shared topics hold.
    settings = testSettings(adapters, lifecare.url, {
      env: { LIFECARE_URL: lifecare.url, BRYGGA_PSEUDONYM_KEY: `rebuild-store-${run}-0123456789` },
    });
    brygga = await startTestBrygga(settings, clock);
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
    if (adapters === 'kafka+redis') await deleteKeysWithPrefix(inject('redisUrl'), settings.redisPrefix);
  });

  const trace = (id: string) => getJson<OrderTrace>(`${brygga!.url}/api/orders/${id}`);
  const rawTrace = async (store: Store, orderId: string) => (await store.range(`trace:${orderId}`)).map((l) => JSON.parse(l) as TraceEntry);

  /** Every routed event of the order has its deliveries requested, and every delivery got through. */
  async function settled(store: Store, reference: string): Promise<boolean> {
    const resolved = await trace(reference);
    if (!resolved.orderId) return false;
    const entries = await rawTrace(store, resolved.orderId);
    const requested = entries.filter((e) => e.type === 'se.brygga.delivery.requested.v1');
    const routed = entries.filter((e) => ROUTED.test(e.type));
    return (
      routed.length > 0 &&
      routed.every((e) => requested.some((r) => r.causationId === e.id)) &&
      requested.every((r) => entries.some((e) => e.type === 'se.brygga.delivery.succeeded.v1' && e.deliveryId === r.deliveryId))
    );
  }

  async function snapshot(store: Store, references: string[]): Promise<Snapshot> {
    const traces: Record<string, OrderTrace> = {};
    const values: Record<string, string | undefined> = {};
    const deadlines: Deadline[] = [];
    for (const reference of references) {
      const byReference = await trace(reference);
      traces[reference] = byReference;
      traces[byReference.orderId] = await trace(byReference.orderId);
      for (const key of [`ref:${reference}`, `order:${byReference.orderId}`]) values[key] = await store.get(key);
      for (const d of byReference.deliveries) values[deliveredKey(d.deliveryId)] = await store.get(deliveredKey(d.deliveryId));
      deadlines.push(...(await store.deadlinesOfOrder(byReference.orderId)));
    }
    const clientId = JSON.parse(values[`order:${traces[references[0]!]!.orderId}`]!).clientId as string;
    values[`placement:${clientId}`] = await store.get(`placement:${clientId}`);
    const clients = { [clientKey(clientId)]: (await store.range(clientKey(clientId))).sort() };
    return { traces, values, clients, deadlines };
  }

  /**
   * The projector consumes the order, deadline and delivery topics concurrently (a batch per
   * partition), so entries of one order from different topics interleave in the order they were
   * consumed, and rebuild replays topic by topic: the same entries, not the same interleaving.
   */
  function interleavingAside(traces: Record<string, OrderTrace>): Record<string, OrderTrace> {
    const byId = (x: { id?: string; deliveryId?: string }, y: { id?: string; deliveryId?: string }): number => String(x.id ?? x.deliveryId).localeCompare(String(y.id ?? y.deliveryId));
    return Object.fromEntries(Object.entries(traces).map(([key, t]) => [key, { ...t, events: [...t.events].sort(byId), deliveries: [...t.deliveries].sort(byId) }]));
  }

  /** Lines of a report that concern this run's keys (the Kafka topics are shared with other runs). */
  function ours(report: StoreRebuildReport, before: Snapshot): string[] {
    const keys = new Set([...Object.keys(before.values), ...Object.keys(before.clients), ...Object.values(before.traces).map((t) => `trace:${t.orderId}`)]);
    const deadlineIds = new Set(before.deadlines.map((d) => d.id));
    const lines = [
      ...Object.values(report.kinds).flatMap((k) => [...k.missing, ...k.different, ...k.unexplained, ...k.unrestorable]),
      ...report.deadlines.missing, ...report.deadlines.different, ...report.deadlines.unexplained,
    ];
    return lines.filter((line) => [...keys, ...deadlineIds].some((key) => line === key || line.startsWith(`${key} `) || line.startsWith(`${key}:`)));
  }

  it('restores traces, placements, deadlines and delivered markers; a restart sends nothing twice', async () => {
    const store = brygga!.store;
    for (const id of [a, b, c]) expect((await postMessage(brygga!.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId: id }))).status).toBe(202);
    // Each step settles before the next, as days apart in life: the live projector interleaves
    // the topics as it consumes them, rebuild in append order, and only settled steps agree.
    for (const id of [a, b, c]) {
      await waitFor(() => trace(id), (t) => (t.events ?? []).filter((e) => e.type === 'se.brygga.deadline.opened.v1').length === 2, `the deadlines of ${id}`);
    }
    // b's start is confirmed at Månstorps Ängar: the client is placed there, b's kvittens met.
    expect((await postMessage(brygga!.url, 'lifecare', lifecareExample('bekraftelse-latin1.xml', { beslutsId: b }))).status).toBe(202);
    await waitFor(() => trace(b), (t) => (t.deadlines ?? []).some((d) => d.kind === 'kvittens' && d.status === 'met'), 'the met kvittens of b');
    const summary = await waitFor(async () => store.get(`order:${(await trace(b)).orderId}`), (v) => v !== undefined, 'the order summary of b');
    const clientId = (JSON.parse(summary!) as { clientId: string }).clientId;
    await waitFor(() => store.get(`placement:${clientId}`), (unit) => unit === 'dv-manst', 'the placement at Månstorps Ängar');
    // A follow-up for the same client goes to the unit where it is placed.
    expect((await postMessage(brygga!.url, 'lifecare', followUp(f1))).status).toBe(202);
    await waitFor(() => lifecare.to(UNIT_INBOX).filter((m) => m.beslutsId === f1).length, (n) => n === 1, 'the follow-up at the unit inbox');
    // Past the kvittens due time: a and c warn and breach; the exec3m deadlines stay open.
    clock.set(Date.parse('2026-11-27T08:00:00+01:00'));
    for (const id of [a, c]) await waitFor(() => trace(id), (t) => (t.deadlines ?? []).some((d) => d.kind === 'kvittens' && d.status === 'breached'), `the breach of ${id}`);
    for (const id of [a, b, c, f1]) await waitFor(() => settled(store, id), (ok) => ok, `every delivery of ${id}`);

    const before = await snapshot(store, [a, b, c, f1]);
    expect(before.deadlines.map((d) => `${d.kind}:${d.status}`).sort()).toEqual([
      'exec3m:open', 'exec3m:open', 'exec3m:open', 'kvittens:breached', 'kvittens:breached', 'kvittens:met',
    ]);
    expect(Object.entries(before.values).filter(([, v]) => v === undefined)).toEqual([]);
    // The four orders are one client's (this run's pseudonym key), each once.
    expect(Object.values(before.clients)).toEqual([[a, b, c, f1].map((id) => before.traces[id]!.orderId).sort()]);
    expect(before.values[Object.keys(before.values).find((k) => k.startsWith('placement:'))!]).toBe('dv-manst');
    const held = lifecare.messages.size;
    const posted = lifecare.posts.length;

    // The store is lost mid-life.
    await brygga!.stop();
    brygga = undefined;
    if (adapters === 'kafka+redis') {
      expect(await deleteKeysWithPrefix(inject('redisUrl'), settings.redisPrefix)).toBeGreaterThan(0);
    } else {
      rmSync(join(settings.dataDir, 'store'), { recursive: true, force: true });
      // The delivery worker's position goes too, so after the restart it reads every request
      // again: only the restored delivered markers keep Lifecare from getting them twice.
      const group = join(settings.dataDir, 'bus', 'groups', 'brygga-delivery.json');
      expect(existsSync(group)).toBe(true);
      rmSync(group);
    }

    const config = loadConfig(settings.configFile, settings.env);
    const options = { ...deadlineSetup(config), directory: new InboxDirectory(config), clock };
    const adaptersNow = openAdapters(settings, testLogger());
    try {
      expect(await adaptersNow.store.range(`trace:${before.traces[a]!.orderId}`)).toEqual([]);
      const dry = await rebuildStore({ ...options, ...adaptersNow, dryRun: true });
      expect(ours(dry, before).length).toBeGreaterThan(0);
      expect(await adaptersNow.store.get(`ref:${a}`)).toBeUndefined();

      const progress: string[] = [];
      const report = await rebuildStore({ ...options, ...adaptersNow, dryRun: false, progress: (line) => progress.push(line) });
      expect(progress.length).toBeGreaterThan(0);
      const missing = ours(report, before);
      for (const key of [...Object.keys(before.values), ...Object.keys(before.clients)]) expect(missing).toContain(key);
      for (const id of [a, b, c, f1]) expect(missing).toContain(`trace:${before.traces[id]!.orderId}`);
      for (const d of before.deadlines) expect(report.deadlines.missing).toContain(d.id);
      expect(report.kinds.traces.restored).toBeGreaterThanOrEqual(4);
      if (adapters === 'embedded') {
        // The embedded log holds this run alone: everything it gives is restored, nothing else.
        expect(unresolved(report)).toBe(0);
        expect(report.pending).toEqual([]);
      }

      const again = await rebuildStore({ ...options, ...adaptersNow, dryRun: true });
      expect(ours(again, before)).toEqual([]);
      if (adapters === 'embedded') {
        expect(Object.values(again.kinds).every((k) => k.missing.length === 0)).toBe(true);
        expect(again.deadlines.missing).toEqual([]);
        expect(unresolved(again)).toBe(0);
      }

      // A store that lost the tail of a trace (Redis AOF loses the last second) gets the tail
      // back in order; a placement that differs from the log is reported, not overwritten.
      const key = `trace:${before.traces[a]!.orderId}`;
      const entries = await adaptersNow.store.range(key);
      await adaptersNow.store.delete(key);
      for (const line of entries.slice(0, 3)) await adaptersNow.store.append(key, line);
      const placement = Object.keys(before.values).find((k) => k.startsWith('placement:'))!;
      await adaptersNow.store.set(placement, 'dv-stknut');
      const partial = await rebuildStore({ ...options, ...adaptersNow, dryRun: false });
      expect(partial.kinds.traces.missing).toContain(`${key} (${entries.length - 3} of ${entries.length} entries)`);
      expect(await adaptersNow.store.range(key)).toEqual(entries);
      expect(partial.kinds.placements.different).toEqual([`${placement}: dv-stknut → dv-manst`]);
      expect(unresolved(partial)).toBeGreaterThan(0);
      await adaptersNow.store.set(placement, 'dv-manst');
    } finally {
      await adaptersNow.bus.close();
      await adaptersNow.store.close();
    }

    if (adapters === 'embedded') {
      // The command line on the intact store: nothing missing, exit 0.
      const cli = await promisify(execFile)(process.execPath, ['scripts/brygga.mjs', 'rebuild', '--dry-run'], {
        cwd: new URL('../..', import.meta.url).pathname,
        env: { ...process.env, ...settings.env, BRYGGA_DATA_DIR: settings.dataDir, KAFKA_BROKERS: '', REDIS_URL: '', LOG_LEVEL: 'warn' },
        timeout: 60_000,
      });
      expect(cli.stdout).toMatch(/^traces: \d+ in the log, 0 missing from the store$/m);
      expect(cli.stdout).toMatch(/^deadlines: 6 in the log, 0 missing from the store$/m);
      expect(cli.stderr).toMatch(/^rebuild: reading /m);
    }

    brygga = await startTestBrygga(settings, clock);
    const store2 = brygga.store;
    // The restarted stages have caught up once every routed event's deliveries are through again.
    for (const id of [a, b, c, f1]) await waitFor(() => settled(store2, id), (ok) => ok, `every delivery of ${id} after the restart`);
    const after = await snapshot(store2, [a, b, c, f1]);
    expect(interleavingAside(after.traces)).toEqual(interleavingAside(before.traces));
    expect(after.values).toEqual(before.values);
    expect(after.clients).toEqual(before.clients);
    expect(after.deadlines).toEqual(before.deadlines);

    // The placement came back: a new follow-up still goes to the unit.
    expect((await postMessage(brygga.url, 'lifecare', followUp(f2))).status).toBe(202);
    await waitFor(() => lifecare.to(UNIT_INBOX).filter((m) => m.beslutsId === f2).length, (n) => n === 1, 'the second follow-up at the unit inbox');
    await waitFor(() => settled(store2, f2), (ok) => ok, 'every delivery of the second follow-up');
    const f2Deliveries = (await trace(f2)).deliveries.length;
    expect(f2Deliveries).toBeGreaterThanOrEqual(2);
    // Nothing was sent twice: Lifecare got exactly the new follow-up's messages, once each.
    expect(lifecare.messages.size).toBe(held + f2Deliveries);
    expect(lifecare.posts.length).toBe(posted + f2Deliveries);
  }, 240_000);
});
