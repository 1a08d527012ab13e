// R-CONTACT-HOURS end to end on the injectable clock: at 10:00 on a Tuesday an order goes to the
// day centres' central inbox at once, while the notice that the order is closed waits, durably in
// the delivery queue, for the afternoon window (visible in the trace with its planned time); a
// restart while it waits neither loses nor doubles it.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { RunningBrygga } from '../../src/main.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { ADAPTER_SETS, startTestBrygga, testSettings } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

const CENTRAL = 'ÄO Dagverksamhet Inkorg';
const FEE_ADMINISTRATOR = 'vof avgifter';
const TUESDAY_10 = Date.parse('2026-11-24T10:00:00+01:00');
const AFTERNOON_WINDOW = '2026-11-24T14:00:00.000Z';

function closure(beslutsId: string): Buffer {
  const text = readFileSync(new URL('../../connectors/lifecare/fixtures/avslut-bestallning/input.xml', import.meta.url), 'utf8');
  return Buffer.from(text.replaceAll('B-2026-5531', beslutsId).replaceAll('LC-2027-', `LC-${beslutsId}-`), 'utf8');
}

describe.each(ADAPTER_SETS)('contact hours (%s)', (adapters) => {
  let lifecare: LifecareStandIn | undefined;
  let brygga: RunningBrygga | undefined;

  afterEach(async () => {
    await brygga?.stop();
    await lifecare?.stop();
  });

  it('R-CONTACT-HOURS: the order goes at once, the notice at 10:00 on a Tuesday waits for the afternoon window, once across a restart', async () => {
    const standIn = (lifecare = new LifecareStandIn());
    await standIn.start();
    const clock = new ManualClock(TUESDAY_10);
    const settings = testSettings(adapters, standIn.url);
    brygga = await startTestBrygga(settings, clock);
    const beslutsId = `B-2026-${Math.floor(Math.random() * 1e6)}`;
    const atCentral = (typ: string) => standIn.to(CENTRAL).filter((m) => m.beslutsId === beslutsId && m.typ === typ);

    expect((await postMessage(brygga.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId }))).status).toBe(202);
    await waitFor(() => atCentral('BESTALLNING').length, (n) => n === 1, 'the order at the central inbox at once');

    expect((await postMessage(brygga.url, 'lifecare', closure(beslutsId))).status).toBe(202);
    // The fee administrator is not a day centre: told at once.
    await waitFor(() => standIn.to(FEE_ADMINISTRATOR).filter((m) => m.beslutsId === beslutsId).length, (n) => n === 1, 'the closure at the fee administrator');
    const url = brygga.url;
    const waiting = await waitFor(
      () => getJson<OrderTrace>(`${url}/api/orders/${beslutsId}`),
      (t) => t.deliveries?.some((d) => d.status === 'waiting-for-window'),
      'the closure to the central inbox waiting for its window',
    );
    const notice = waiting.deliveries.find((d) => d.status === 'waiting-for-window')!;
    expect(notice).toMatchObject({ inboxId: 'vellinge-dagverksamhet:central', plannedAt: AFTERNOON_WINDOW });
    const closed = standIn.to(CENTRAL).filter((m) => m.beslutsId === beslutsId && m.typ !== 'BESTALLNING');
    expect(closed).toHaveLength(0);

    await brygga.stop();
    brygga = await startTestBrygga(settings, clock);
    clock.set(Date.parse(AFTERNOON_WINDOW) - 60_000);
    const restarted = brygga.url;
    // A minute before the window it still waits.
    const before = await getJson<OrderTrace>(`${restarted}/api/orders/${beslutsId}`);
    expect(before.deliveries.find((d) => d.deliveryId === notice.deliveryId)?.status).toBe('waiting-for-window');

    clock.set(Date.parse(AFTERNOON_WINDOW));
    const trace = await waitFor(
      () => getJson<OrderTrace>(`${restarted}/api/orders/${beslutsId}`),
      (t) => t.deliveries.find((d) => d.deliveryId === notice.deliveryId)?.status === 'delivered',
      'the notice delivered in the afternoon window',
      60_000,
    );
    expect(trace.deliveries.find((d) => d.deliveryId === notice.deliveryId)).toMatchObject({ plannedAt: AFTERNOON_WINDOW, finishedAt: AFTERNOON_WINDOW, attempts: 1 });
    const atCentralNow = standIn.to(CENTRAL).filter((m) => m.beslutsId === beslutsId);
    expect(atCentralNow).toHaveLength(2);
    // Once: one POST of its MeddelandeId.
    const closedId = atCentralNow.find((m) => m.typ !== 'BESTALLNING')!.meddelandeId;
    expect(standIn.posts.filter((p) => p === closedId)).toHaveLength(1);
  }, 180_000);
});
