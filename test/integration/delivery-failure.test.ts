// A delivery that keeps failing is retried with backoff, then dead-lettered and visible in the
// order's trace, never lost; a refusal (4xx) is not retried. R-ORDER-CENTRAL-INBOX.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../src/bus/bus.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import type { RunningBrygga } from '../../src/main.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { exampleConfigWith } from '../support/config.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn, type StandInMode } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

describe('a delivery Lifecare does not take (embedded)', () => {
  let lifecare: LifecareStandIn;
  let brygga: RunningBrygga | undefined;
  afterEach(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  async function deliverWhile(mode: StandInMode) {
    lifecare = new LifecareStandIn();
    await lifecare.start();
    lifecare.mode = mode;
    brygga = await startTestBrygga(testSettings('embedded', lifecare.url, { configFile: exampleConfigWith({ maxAttempts: 3, initialBackoffMs: 20 }) }));
    const beslutsId = `B-F-${Math.floor(Math.random() * 1e6)}`;
    expect((await postMessage(brygga.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId, createdAt: new Date() }))).status).toBe(202);
    const trace = await waitFor(
      () => getJson<OrderTrace>(`${brygga!.url}/api/orders/${beslutsId}`),
      (t) => t.deliveries?.length === 2 && t.deliveries.every((d) => d.status === 'failed'),
      'both deliveries failed',
    );
    const letters: ConsumedRecord[] = [];
    await brygga.bus.readAll(TOPICS.deadLetters, (r) => void letters.push(r));
    return { trace, letters: letters.filter((r) => r.key === trace.orderId) };
  }

  it('503: retried up to maxAttempts, then a failed delivery in the trace and a dead letter with the request', async () => {
    const { trace, letters } = await deliverWhile('unavailable');
    expect(trace.deliveries.map((d) => [d.attempts, d.errorCode])).toEqual([[3, 'BRY_DELIVERY_FAILED'], [3, 'BRY_DELIVERY_FAILED']]);
    expect(lifecare.posts).toHaveLength(6);
    expect(letters).toHaveLength(2);
    // The two deliveries fail in whichever order their last attempts end.
    const requests = letters.map((l) => JSON.parse(Buffer.from(JSON.parse(l.value.toString()).originalBase64, 'base64').toString()) as { deliveryId: string });
    expect(requests.map((r) => r.deliveryId).sort()).toEqual(trace.deliveries.map((d) => d.deliveryId).sort());

    // Lifecare is back: the operator replays both; each arrives once, a second replay is refused.
    lifecare.mode = 'normal';
    const replay = (id: string) => fetch(`${brygga!.url}/api/deliveries/${id}/replay`, { method: 'POST' });
    for (const d of trace.deliveries) expect((await replay(d.deliveryId)).status).toBe(202);
    const after = await waitFor(
      () => getJson<OrderTrace>(`${brygga!.url}/api/orders/${trace.orderId}`),
      (t) => t.deliveries.every((d) => d.status === 'delivered'),
      'both deliveries delivered after the replay',
    );
    expect(lifecare.messages.size).toBe(2);
    expect((await replay(after.deliveries[0]!.deliveryId)).status).toBe(409);
    expect((await replay('no-such-delivery')).status).toBe(404);
  });

  it('400: refused at once, not retried, dead-lettered', async () => {
    const { trace, letters } = await deliverWhile('refuse');
    expect(trace.deliveries.map((d) => [d.attempts, d.errorCode])).toEqual([[1, 'BRY_DELIVERY_REJECTED'], [1, 'BRY_DELIVERY_REJECTED']]);
    expect(lifecare.posts).toHaveLength(2);
    expect(letters).toHaveLength(2);
  });
});
