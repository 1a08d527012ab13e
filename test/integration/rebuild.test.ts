// Rebuild after the store lost every key of its prefix: the deadlines recomputed from the Kafka
// topics are the deadlines the store had (R-KVITTENS-3VD, R-EXEC-3M), in every status, and a
// second rebuild finds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config/load.ts';
import { rebuildDeadlines } from '../../src/deadlines/rebuild.ts';
import { deadlineSetup, openAdapters, type RunningBrygga } from '../../src/main.ts';
import type { Deadline } from '../../src/store/store.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { deleteKeysWithPrefix } from '../support/redis-keys.ts';
import { testLogger } from '../support/logs.ts';
import { waitFor } from '../support/wait.ts';

describe('brygga deadlines rebuild (kafka+redis)', () => {
  const lifecare = new LifecareStandIn();
  const clock = new ManualClock(Date.parse('2026-11-23T10:00:00+01:00'));
  const run = Math.floor(Math.random() * 1e6);
  const ids = [0, 1, 2].map((i) => `B-R${run}-${i}`);
  let brygga: RunningBrygga;
  let stopped = false;
  let settings: ReturnType<typeof testSettings>;

  beforeAll(async () => {
    await lifecare.start();
    settings = testSettings('kafka+redis', lifecare.url);
    brygga = await startTestBrygga(settings, clock);
  });
  afterAll(async () => {
    if (!stopped) await brygga?.stop();
    await lifecare.stop();
    await deleteKeysWithPrefix(inject('redisUrl'), settings.redisPrefix);
  });

  const deadlinesOf = async (beslutsId: string) => (await getJson<OrderTrace>(`${brygga.url}/api/orders/${beslutsId}`)).deadlines ?? [];

  it('reproduces open, met and breached deadlines after the store lost every key', async () => {
    for (const id of ids) expect((await postMessage(brygga.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId: id }))).status).toBe(202);
    // ids[1]'s kvittens is met by the start confirmation.
    expect((await postMessage(brygga.url, 'lifecare', lifecareExample('bekraftelse-latin1.xml', { beslutsId: ids[1] }))).status).toBe(202);
    await waitFor(() => deadlinesOf(ids[1]!), (d) => d.some((x) => x.kind === 'kvittens' && x.status === 'met'), 'the met kvittens');
    // Past the kvittens due time: ids[0] and ids[2] breach, the exec3m deadlines stay open.
    clock.set(Date.parse('2026-11-27T08:00:00+01:00'));
    for (const id of [ids[0]!, ids[2]!]) {
      await waitFor(() => deadlinesOf(id), (d) => d.some((x) => x.kind === 'kvittens' && x.status === 'breached'), `the breach of ${id}`);
    }
    const store = brygga.store;
    const orderIds = await Promise.all(ids.map(async (id) => (await getJson<OrderTrace>(`${brygga.url}/api/orders/${id}`)).orderId));
    const snapshot = async (): Promise<Deadline[]> => (await Promise.all(orderIds.map((o) => store.deadlinesOfOrder(o)))).flat();
    const before = await snapshot();
    expect(before.map((d) => `${d.kind}:${d.status}`).sort()).toEqual([
      'exec3m:open', 'exec3m:open', 'exec3m:open', 'kvittens:breached', 'kvittens:breached', 'kvittens:met',
    ]);
    await brygga.stop();
    stopped = true;

    // Only this test's prefix: the Redis is shared with other runs.
    expect(await deleteKeysWithPrefix(inject('redisUrl'), settings.redisPrefix)).toBeGreaterThan(0);

    const config = loadConfig(settings.configFile, settings.env);
    const { rules, calendar } = deadlineSetup(config);
    const adapters = openAdapters(settings, testLogger());
    try {
      expect(await adapters.store.deadlinesOfOrder(orderIds[0]!)).toEqual([]);
      const report = await rebuildDeadlines({ bus: adapters.bus, store: adapters.store, rules, calendar, dryRun: false });
      expect(report.missing).toEqual(expect.arrayContaining(before.map((d) => d.id)));
      const after = (await Promise.all(orderIds.map((o) => adapters.store.deadlinesOfOrder(o)))).flat();
      expect(after).toEqual(before);

      const again = await rebuildDeadlines({ bus: adapters.bus, store: adapters.store, rules, calendar, dryRun: true });
      expect(again.missing).toEqual([]);
      expect(again.different).toEqual([]);
      expect(again.unexplained).toEqual([]);
    } finally {
      await adapters.bus.close();
      await adapters.store.close();
    }
  }, 180_000);
});
