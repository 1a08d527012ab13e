// The spine, end to end: one Lifecare order through connector → bus → router → delivery to a
// real HTTP stand-in for Lifecare, with its kvittens deadline, on the embedded default and on
// real Kafka + Redis. R-ORDER-CONTENT, R-ORDER-CENTRAL-INBOX, R-ORDER-COORDINATOR-SEES-ALL,
// R-KVITTENS-3VD, R-CONFIRM-START.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, EVENT_TYPES } from '../../src/canonical/event-types.ts';
import type { ConsumedRecord } from '../../src/bus/bus.ts';
import type { RunningBrygga } from '../../src/main.ts';
import type { ClientOrders, OrderTrace } from '../../src/trace/query.ts';
import { ADAPTER_SETS, startTestBrygga, testSettings } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { getJson, postMessage } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

const CENTRAL = 'ÄO Dagverksamhet Inkorg';
const COORDINATOR = 'ÄO Dagverksamhet Samordnare';

describe.each(ADAPTER_SETS)('one Lifecare order, end to end (%s)', (adapters) => {
  const lifecare = new LifecareStandIn();
  let brygga: RunningBrygga;
  // Each run on a shared broker sends a fresh BeslutsId, so earlier runs' records never match.
  const beslutsId = `B-2026-${Math.floor(Math.random() * 1e6)}`;
  const post = (body: Buffer) => postMessage(brygga.url, 'lifecare', body);
  const trace = (id: string) => getJson<OrderTrace>(`${brygga.url}/api/orders/${id}`);

  beforeAll(async () => {
    await lifecare.start();
    brygga = await startTestBrygga(testSettings(adapters, lifecare.url));
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  it('accepts the order with 202 once the canonical event is on its topic with CloudEvents headers', async () => {
    const response = await post(lifecareExample('bestallning.xml', { beslutsId }));
    expect(response.status).toBe(202);
    const body = (await response.json()) as { orderId: string; eventIds: string[] };
    expect(body.eventIds).toHaveLength(1);

    const records: ConsumedRecord[] = [];
    await brygga.bus.readAll(TOPICS.orderEvents, (r) => void records.push(r));
    const record = records.find((r) => r.headers.ce_id === body.eventIds[0]);
    expect(record).toBeDefined();
    expect(record!.key).toBe(body.orderId);
    expect(record!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: EVENT_TYPES.orderPlaced,
      ce_source: '/connectors/lifecare',
      ce_subject: body.orderId,
      ce_correlationid: body.orderId,
      ce_time: '2026-11-23T09:14:05+01:00',
      'content-type': 'application/json',
    });
    const data = JSON.parse(record!.value.toString('utf8'));
    expect(data.origin.reference).toBe(beslutsId);
    expect(data.client.personnummer).toBe('191212121212');
    expect(data.client.clientId).toMatch(/^cl-[0-9a-f]{16}$/);
  });

  it('R-ORDER-CENTRAL-INBOX / R-ORDER-COORDINATOR-SEES-ALL: delivers the order to the central inbox and a copy to the coordinator', async () => {
    await waitFor(() => lifecare.to(CENTRAL).filter((m) => m.beslutsId === beslutsId).length + lifecare.to(COORDINATOR).filter((m) => m.beslutsId === beslutsId).length, (n) => n === 2, 'two deliveries');
    const [central] = lifecare.to(CENTRAL).filter((m) => m.beslutsId === beslutsId);
    expect(central!.typ).toBe('BESTALLNING');
    expect(central!.mottagare).toMatchObject({ typ: 'INKORG', name: CENTRAL });
    expect(central!.xml).toContain('<Personnummer>19121212-1212</Personnummer>');
  });

  it('R-KVITTENS-3VD: opens the kvittens deadline due at the end of the third vardag, Stockholm time', async () => {
    // Registered Monday 2026-11-23 09:14 (+01:00) → last day Thursday 26 → due 2026-11-27 00:00 Stockholm.
    const t = await waitFor(() => trace(beslutsId), (t) => t.deadlines?.some((d) => d.kind === 'kvittens'), 'the kvittens deadline');
    const kvittens = t.deadlines.find((d) => d.kind === 'kvittens')!;
    expect(kvittens).toMatchObject({ status: 'open', rule: 'R-KVITTENS-3VD', dueAt: '2026-11-26T23:00:00.000Z' });
    const open = await getJson<{ deadlines: { id: string }[] }>(`${brygga.url}/api/deadlines?status=open&limit=1000`);
    expect(open.deadlines.map((d) => d.id)).toContain(kvittens.id);
  });

  it('R-CONFIRM-START: the start confirmation (ISO-8859-1) meets the deadline and reaches the case officer and the coordinator', async () => {
    const response = await post(lifecareExample('bekraftelse-latin1.xml', { beslutsId }));
    expect(response.status).toBe(202);
    const t = await waitFor(() => trace(beslutsId), (t) => t.deadlines.find((d) => d.kind === 'kvittens')?.status === 'met', 'the kvittens deadline met');
    expect(t.deadlines.find((d) => d.kind === 'kvittens')!.closedAt).toBe('2026-11-25T14:40:00.000Z');
    await waitFor(() => lifecare.to('bih-4711').filter((m) => m.beslutsId === beslutsId && m.typ === 'BEKRAFTELSE').length, (n) => n === 1, 'the confirmation at the case officer');
    await waitFor(() => lifecare.to(COORDINATOR).filter((m) => m.beslutsId === beslutsId && m.typ === 'BEKRAFTELSE').length, (n) => n === 1, 'the confirmation at the coordinator');
    const met = await getJson<{ deadlines: { orderId: string }[] }>(`${brygga.url}/api/deadlines?status=met&limit=1000`);
    expect(met.deadlines.map((d) => d.orderId)).toContain(t.orderId);
  });

  it('traces the order by BeslutsId and by Brygga id: every event, delivery and deadline with times', async () => {
    const byReference = await trace(beslutsId);
    const byId = await trace(byReference.orderId);
    expect(byId.orderId).toBe(byReference.orderId);
    expect(byReference.references).toContain(beslutsId);
    const types = byReference.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining([EVENT_TYPES.orderPlaced, EVENT_TYPES.startConfirmed, EVENT_TYPES.deadlineOpened, EVENT_TYPES.deadlineMet]));
    const delivered = await waitFor(() => trace(beslutsId), (t) => t.deliveries.length === 4 && t.deliveries.every((d) => d.status === 'delivered'), 'four delivered deliveries');
    expect(JSON.stringify(byReference)).not.toContain('191212121212');
    // Each delivery names the event it carries: the order to the central inbox and the coordinator, the confirmation to the case officer and the coordinator.
    const carried = (type: string) => delivered.events.find((e) => e.type === type)!.id;
    expect(delivered.deliveries.map((d) => `${d.eventType} ${d.eventId}`).sort()).toEqual([
      `${EVENT_TYPES.orderPlaced} ${carried(EVENT_TYPES.orderPlaced)}`, `${EVENT_TYPES.orderPlaced} ${carried(EVENT_TYPES.orderPlaced)}`,
      `${EVENT_TYPES.startConfirmed} ${carried(EVENT_TYPES.startConfirmed)}`, `${EVENT_TYPES.startConfirmed} ${carried(EVENT_TYPES.startConfirmed)}`,
    ].sort());
  });

  it("finds the order by the client's pseudonymous id, with the address of its trace", async () => {
    const { orderId } = await trace(beslutsId);
    const records: ConsumedRecord[] = [];
    await brygga.bus.readAll(TOPICS.orderEvents, (r) => void records.push(r));
    const clientId = JSON.parse(records.find((r) => r.key === orderId)!.value.toString('utf8')).clientId as string;
    // The shared broker may hold other runs' orders for this client (the same test personnummer): this run's is among them.
    const client = await getJson<ClientOrders>(`${brygga.url}/api/clients/${clientId}/orders`);
    expect(client.clientId).toBe(clientId);
    const order = client.orders.find((o) => o.orderId === orderId)!;
    expect(order.references).toContain(beslutsId);
    expect(order.trace).toBe(`/api/orders/${orderId}`);
    expect(order.deadlines).toContainEqual(expect.objectContaining({ kind: 'kvittens', status: 'met' }));
    expect((await getJson<OrderTrace>(`${brygga.url}${order.trace}`)).orderId).toBe(orderId);
    expect(JSON.stringify(client)).not.toContain('191212121212');
  });

  it('R-MONTHLY-LIST: a day centre\'s month-end participant list reaches the coordinator', async () => {
    const list = readFileSync(new URL('../../connectors/lifecare/fixtures/deltagarlista/input.xml', import.meta.url), 'utf8')
      .replace('LC-2026-000990', `LC-${beslutsId}-990`);
    expect((await post(Buffer.from(list))).status).toBe(202);
    const [forwarded] = await waitFor(() => lifecare.to(COORDINATOR).filter((m) => m.typ === 'DELTAGARLISTA'), (m) => m.length === 1, 'the list at the coordinator');
    expect(forwarded!.xml).toContain('<AntalBesokare>23</AntalBesokare>');
  });

  it('the bad example gets problem+json naming all three faults and lands in the dead-letter topic with its bytes', async () => {
    const bad = lifecareExample('bestallning-bad.xml');
    const response = await post(bad);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { code: string; problems: { code: string; field: string; rule: string }[]; deadLetterId: string };
    expect(problem.code).toBe('BRY_INVALID_MESSAGE');
    expect(problem.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'BRY_INVALID_PERSONNUMMER', field: expect.stringContaining('Personnummer') }),
        expect.objectContaining({ code: 'BRY_MISSING_FIELD', field: expect.stringContaining('DagarPerVecka'), rule: 'R-ORDER-CONTENT' }),
        expect.objectContaining({ code: 'BRY_MISSING_FIELD', field: expect.stringContaining('OnskadVerksamhet'), rule: 'R-ORDER-CONTENT' }),
      ]),
    );
    expect(problem.problems).toHaveLength(3);
    expect(JSON.stringify(problem)).not.toContain('1213');
    const letters: ConsumedRecord[] = [];
    await brygga.bus.readAll(TOPICS.deadLetters, (r) => void letters.push(r));
    const letter = letters.find((r) => r.headers.ce_id === problem.deadLetterId);
    expect(letter).toBeDefined();
    const data = JSON.parse(letter!.value.toString('utf8'));
    expect(Buffer.from(data.originalBase64, 'base64').equals(bad)).toBe(true);
    expect(data.stage).toBe('connector:lifecare');
  });
});
