// R-KVITTENS-3VD: a missed kvittens is seen the moment it is missed: a breach event and one
// notice to the case officer's inbox, even with two instances sweeping the same store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import type { RunningBrygga } from '../../src/main.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { startTestBrygga, testSettings, type AdapterSet } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { getJson, postMessage } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

const cases: [AdapterSet, number][] = [['embedded', 1], ['kafka+redis', 2]];

describe.each(cases)('a missed kvittens (%s, %i instance(s))', (adapters, instances) => {
  const lifecare = new LifecareStandIn();
  const clock = new ManualClock(Date.parse('2026-11-23T10:00:00+01:00'));
  const running: RunningBrygga[] = [];
  const beslutsId = `B-2026-${Math.floor(Math.random() * 1e6)}`;
  const trace = () => getJson<OrderTrace>(`${running[0]!.url}/api/orders/${beslutsId}`);
  const notices = () => lifecare.to('bih-4711').filter((m) => m.beslutsId === beslutsId && m.typ === 'PAMINNELSE');

  beforeAll(async () => {
    await lifecare.start();
    const first = testSettings(adapters, lifecare.url);
    running.push(await startTestBrygga(first, clock));
    // A second instance shares the Kafka consumer groups and the Redis store (not the data dir).
    for (let i = 1; i < instances; i++) running.push(await startTestBrygga(testSettings(adapters, lifecare.url, { redisPrefix: first.redisPrefix }), clock));
  });
  afterAll(async () => {
    for (const instance of running) await instance.stop();
    await lifecare.stop();
  });

  it('fires the breach once and notifies the case officer once', async () => {
    const response = await postMessage(running[0]!.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId }));
    expect(response.status).toBe(202);
    await waitFor(trace, (t) => t.deadlines?.some((d) => d.kind === 'kvittens'), 'the kvittens deadline');

    clock.set(Date.parse('2026-11-26T23:59:59+01:00'));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await trace()).deadlines.find((d) => d.kind === 'kvittens')!.status).toBe('open');

    clock.set(Date.parse('2026-11-27T00:00:00+01:00'));
    const t = await waitFor(
      trace,
      (t) => t.deadlines.find((d) => d.kind === 'kvittens')?.status === 'breached' && t.events.some((e) => e.type === EVENT_TYPES.deadlineBreached),
      'the breach, in the store and in the trace',
    );
    expect(t.events.filter((e) => e.type === EVENT_TYPES.deadlineBreached)).toHaveLength(1);
    await waitFor(notices, (n) => n.length === 1, 'the notice at the case officer');
    // More sweeps by every instance change nothing.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(notices()).toHaveLength(1);
    expect(lifecare.posts.filter((p) => p === notices()[0]!.meddelandeId)).toHaveLength(1);
    expect(notices()[0]!.xml).toContain('R-KVITTENS-3VD');
    const breached = await getJson<{ deadlines: { orderId: string }[] }>(`${running[0]!.url}/api/deadlines?status=breached&limit=1000`);
    expect(breached.deadlines.map((d) => d.orderId)).toContain(t.orderId);
  });
});
