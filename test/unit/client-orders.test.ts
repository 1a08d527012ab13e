// A client's orders by pseudonymous client id: the trace projector keeps each order of a client
// once however often its events are read (a record read again after a crash adds nothing), and
// GET /api/clients/{clientId}/orders answers them with the address of each trace; GET
// /api/orders/{id} given a client id names that route. Personal data: the read is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBusRecord, type CloudEvent } from '../../src/canonical/envelope.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { clientKey, clientOrderKey, TraceProjector } from '../../src/trace/projector.ts';
import type { ClientOrders, OrderTrace } from '../../src/trace/query.ts';
import { openTestApi, type TestApi } from '../support/api.ts';
import { lifecareExample } from '../support/examples.ts';
import { testLogDestination } from '../support/logs.ts';

describe('orders by pseudonymous client id', () => {
  let api: TestApi;
  let clientId: string;
  const orderIds: string[] = [];

  beforeAll(async () => {
    api = await openTestApi({ logDestination: testLogDestination() });
    // Two orders for the same client (the examples' test personnummer).
    for (const beslutsId of ['B-CL-0001', 'B-CL-0002']) {
      const response = await api.app.inject({ method: 'POST', url: '/connectors/lifecare/messages', headers: { 'content-type': 'application/xml' }, payload: lifecareExample('bestallning.xml', { beslutsId }) });
      expect(response.statusCode).toBe(202);
      orderIds.push(response.json().orderId);
    }
    const events: CloudEvent[] = [];
    await api.bus.readAll(TOPICS.orderEvents, (record) => void events.push(fromBusRecord(record)));
    const projector = new TraceProjector({ bus: api.bus, kv: api.store });
    // Each record read twice, as after a crash before the consumer's position was saved.
    for (const event of [...events, ...events]) await projector.project(event);
    clientId = (events[0]!.data as { clientId: string }).clientId;
  });
  afterAll(() => api.close());

  it('keeps each order of the client once, however often its events are read', async () => {
    expect(clientId).toMatch(/^cl-[0-9a-f]{16}$/);
    expect((await api.store.range(clientKey(clientId))).sort()).toEqual([...orderIds].sort());
  });

  it('GET /api/clients/{clientId}/orders lists them with their references and the address of each trace', async () => {
    const response = await api.app.inject({ url: `/api/clients/${clientId}/orders` });
    expect(response.statusCode).toBe(200);
    const body = response.json() as ClientOrders;
    expect(body.clientId).toBe(clientId);
    expect(body.orders.map((o) => o.orderId).sort()).toEqual([...orderIds].sort());
    for (const order of body.orders) {
      expect(order.references.some((r) => r.startsWith('B-CL-000'))).toBe(true);
      expect(order.lastEvent.type).toBe('se.brygga.order.placed.v1');
      const trace = await api.app.inject({ url: order.trace });
      expect(trace.statusCode).toBe(200);
      expect((trace.json() as OrderTrace).orderId).toBe(order.orderId);
    }
    expect(response.payload).not.toContain('191212121212');
  });

  it('GET /api/orders/{clientId} is 404 naming the route that lists the client\'s orders', async () => {
    const response = await api.app.inject({ url: `/api/orders/${clientId}` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'BRY_ORDER_NOT_FOUND', detail: expect.stringContaining('GET /api/clients/{clientId}/orders') });
    expect(response.payload).not.toContain(clientId);
  });

  it('an order appended again after a crash before its marker was written is listed once', async () => {
    const events: CloudEvent[] = [];
    await api.bus.readAll(TOPICS.orderEvents, (record) => void events.push(fromBusRecord(record)));
    await api.store.delete(clientOrderKey(clientId, orderIds[0]!));
    for (const event of events) await new TraceProjector({ bus: api.bus, kv: api.store }).project(event);
    expect((await api.store.range(clientKey(clientId))).filter((id) => id === orderIds[0])).toHaveLength(2);
    const body = (await api.app.inject({ url: `/api/clients/${clientId}/orders` })).json() as ClientOrders;
    expect(body.orders.map((o) => o.orderId).sort()).toEqual([...orderIds].sort());
  });

  it('a client id no order names is 404; one not of the form cl- and 16 hex digits is 400', async () => {
    const unknown = await api.app.inject({ url: '/api/clients/cl-0000000000000000/orders' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('BRY_NOT_FOUND');
    const malformed = await api.app.inject({ url: '/api/clients/191212121212/orders' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().detail).toContain('clientId');
  });
});
