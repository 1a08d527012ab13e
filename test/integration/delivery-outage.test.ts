// Deliveries ride out a receiver that fails or is gone: a failing delivery waits in its durable
// queue, not in a bus handler, so it holds back no other delivery; the trace shows its attempts,
// the receiver's error and the next attempt; and once the receiver is back every delivery
// arrives, each order in each inbox once, under one delivery id. R-ORDER-CENTRAL-INBOX,
// R-ORDER-COORDINATOR-SEES-ALL.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningBrygga } from '../../src/main.ts';
import type { DeliveryView, OrderTrace } from '../../src/trace/query.ts';
import { ADAPTER_SETS, startTestBrygga, testSettings, type AdapterSet } from '../support/brygga.ts';
import { exampleConfigWith } from '../support/config.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn, type ReceivedMessage } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

const CENTRAL = 'ÄO Dagverksamhet Inkorg';
const OUTAGE_MS = Number(process.env.BRYGGA_TEST_OUTAGE_MS ?? 180_000);
const OUTAGE_ORDERS = Number(process.env.BRYGGA_TEST_OUTAGE_ORDERS ?? 500);

const run = Math.floor(Math.random() * 1e6);
const orderIds = (tag: string, n: number): string[] => Array.from({ length: n }, (_, i) => `B-${tag}${run}-${i}`);

/** (order, inbox) → the MeddelandeIds it arrived under: one each, or a delivery was doubled. */
function idsPerOrderAndInbox(messages: Iterable<ReceivedMessage>): Map<string, Set<string>> {
  const byPair = new Map<string, Set<string>>();
  for (const m of messages) {
    const pair = `${m.beslutsId} → ${m.mottagare.name ?? m.mottagare.id}`;
    byPair.set(pair, (byPair.get(pair) ?? new Set()).add(m.meddelandeId));
  }
  return byPair;
}

describe.each(ADAPTER_SETS)('deliveries ride out a receiver that fails (%s)', (adapters: AdapterSet) => {
  let lifecare: LifecareStandIn;
  let brygga: RunningBrygga | undefined;
  afterEach(async () => {
    await brygga?.stop();
    brygga = undefined;
    await lifecare.stop();
  });

  async function start(delivery: Record<string, number>): Promise<RunningBrygga> {
    lifecare = new LifecareStandIn();
    await lifecare.start();
    brygga = await startTestBrygga(testSettings(adapters, lifecare.url, { configFile: exampleConfigWith(delivery) }));
    return brygga;
  }

  const traceOf = (id: string) => getJson<OrderTrace>(`${brygga!.url}/api/orders/${id}`);
  const deliveryTo = (trace: OrderTrace, kind: string): DeliveryView | undefined => trace.deliveries?.find((d) => d.inboxKind === kind);

  it('an inbox that keeps failing holds back no later delivery; its trace shows attempts, the 503 and the next attempt', async () => {
    await start({ initialBackoffMs: 200, maxBackoffMs: 1000 });
    lifecare.unavailableFor = (m) => m.mottagare.name !== CENTRAL;
    const ids = orderIds('HB', 4);
    for (const beslutsId of ids) expect((await postMessage(brygga!.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId, createdAt: new Date() }))).status).toBe(202);

    // Every order reaches the central inbox while the coordinator's copies keep failing.
    await waitFor(() => lifecare.to(CENTRAL).filter((m) => ids.includes(m.beslutsId!)).length, (n) => n === ids.length, 'every order in the central inbox');
    const retrying = await waitFor(() => traceOf(ids[0]!), (t) => (deliveryTo(t, 'coordinator')?.attempts ?? 0) >= 2, 'a coordinator delivery retried');
    const coordinator = deliveryTo(retrying, 'coordinator')!;
    expect(coordinator).toMatchObject({ status: 'retrying', errorCode: 'BRY_DELIVERY_FAILED', errorDetail: 'Lifecare answered HTTP 503' });
    expect(Date.parse(coordinator.nextAttemptAt!)).toBeGreaterThan(Date.parse(coordinator.requestedAt!));
    expect(deliveryTo(retrying, 'central')).toMatchObject({ status: 'delivered', attempts: 1 });

    lifecare.unavailableFor = undefined;
    await waitFor(() => lifecare.messages.size, (n) => n === 2 * ids.length, 'the coordinator copies once the inbox is back');
    const done = await waitFor(() => traceOf(ids[0]!), (t) => t.deliveries.every((d) => d.status === 'delivered'), 'every delivery delivered in the trace');
    expect(deliveryTo(done, 'coordinator')!.attempts).toBeGreaterThanOrEqual(3);
    expect([...idsPerOrderAndInbox(lifecare.messages.values()).values()].every((s) => s.size === 1)).toBe(true);
  });

  it('a receiver that is gone: the trace says ECONNREFUSED, and the delivery arrives once it is back', async () => {
    await start({ initialBackoffMs: 200, maxBackoffMs: 1000 });
    const port = Number(new URL(lifecare.url).port);
    await lifecare.stop();
    const [beslutsId] = orderIds('CR', 1);
    expect((await postMessage(brygga!.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId, createdAt: new Date() }))).status).toBe(202);
    const trace = await waitFor(() => traceOf(beslutsId!), (t) => deliveryTo(t, 'central')?.status === 'retrying', 'the central delivery retrying');
    expect(deliveryTo(trace, 'central')!.errorDetail).toBe('Lifecare did not answer: ECONNREFUSED');

    await lifecare.start(port);
    await waitFor(() => traceOf(beslutsId!), (t) => t.deliveries.length === 2 && t.deliveries.every((d) => d.status === 'delivered'), 'delivered once Lifecare is back');
    expect(lifecare.messages.size).toBe(2);
  });

  it(`Lifecare gone for ${OUTAGE_MS / 1000} s while ${OUTAGE_ORDERS} orders flow: every delivery arrives once it is back, each under one id`, async () => {
    await start({ initialBackoffMs: 500, maxBackoffMs: 5000 });
    const port = Number(new URL(lifecare.url).port);
    await lifecare.stop();
    const outageStart = Date.now();
    const ids = orderIds('OUT', OUTAGE_ORDERS);
    // Paced over most of the outage, as orders arrive during a maintenance window.
    const pace = (OUTAGE_MS * 0.8) / ids.length;
    for (const [i, beslutsId] of ids.entries()) {
      const response = await postMessage(brygga!.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId, createdAt: new Date() }));
      expect(response.status).toBe(202);
      const ahead = outageStart + (i + 1) * pace - Date.now();
      if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
    }
    const during = await traceOf(ids[0]!);
    expect(during.deliveries.map((d) => d.status)).toEqual(['retrying', 'retrying']);
    expect((await fetch(`${brygga!.url}/health`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStart + OUTAGE_MS - Date.now())));

    await lifecare.start(port);
    await waitFor(() => lifecare.messages.size, (n) => n >= 2 * ids.length, `all ${2 * ids.length} deliveries after the outage`, 180_000);
    const pairs = idsPerOrderAndInbox(lifecare.messages.values());
    expect(pairs.size).toBe(2 * ids.length);
    expect([...pairs].filter(([, meddelandeIds]) => meddelandeIds.size > 1)).toEqual([]);

    // No consumer was lost on the way: a new order goes straight through.
    const [after] = orderIds('AFT', 1);
    expect((await postMessage(brygga!.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId: after, createdAt: new Date() }))).status).toBe(202);
    await waitFor(() => traceOf(after!), (t) => t.deliveries?.length === 2 && t.deliveries.every((d) => d.status === 'delivered' && d.attempts === 1), 'a new order delivered at the first attempt');
    expect((await fetch(`${brygga!.url}/health`)).status).toBe(200);
  }, OUTAGE_MS + 420_000);
});
