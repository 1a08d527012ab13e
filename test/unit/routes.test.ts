// The distribution rules as a table: which inboxes each event goes to.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES, type EventType } from '../../src/canonical/event-types.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import { InboxDirectory } from '../../src/routing/inboxes.ts';
import type { OrderSummary } from '../../src/routing/order-registry.ts';
import { isRouted, routeEvent } from '../../src/routing/routes.ts';

const directory = new InboxDirectory(loadConfig(DEFAULT_CONFIG_FILE, {}));
const order: OrderSummary = { orderId: 'ord-1', system: 'lifecare', reference: 'B-1', caseOfficerId: 'bih-4711', clientId: 'cl-1', providerId: 'vellinge-dagverksamhet', homeCareTeam: 'Hemtjänst Väster' };
const event = (type: EventType, data: Record<string, unknown> = {}): CloudEvent => ({
  specversion: '1.0', id: 'e1', source: '/test', type, time: '2026-11-23T08:00:00Z', subject: 'ord-1', datacontenttype: 'application/json', correlationid: 'ord-1',
  data: { orderId: 'ord-1', origin: { system: 'lifecare', reference: 'B-1' }, ...data },
});
const inboxes = (e: CloudEvent, ctx: { order?: OrderSummary; placedUnitId?: string } = { order }) => routeEvent(e, { directory, ...ctx }).map((t) => t.inboxId);

describe('routing', () => {
  it('R-ORDER-CENTRAL-INBOX / R-ORDER-COORDINATOR-SEES-ALL: a new order goes to the central inbox and the coordinator', () => {
    const placed = event(EVENT_TYPES.orderPlaced, { desiredUnits: [{ name: 'Postiljonen dagverksamhet', priority: 2 }, { name: 'S:t Knut dagverksamhet', priority: 1 }], caseOfficer: { id: 'bih-4711' } });
    expect(inboxes(placed, {})).toEqual(['vellinge-dagverksamhet:central', 'vellinge-dagverksamhet:coordinator']);
  });

  it('R-ORDER-CENTRAL-INBOX: a follow-up on a placed client goes to that unit\'s inbox (and the coordinator); unplaced to the central inbox', () => {
    const followUp = event(EVENT_TYPES.orderFollowUp, { client: { clientId: 'cl-1' } });
    expect(inboxes(followUp, { order, placedUnitId: 'dv-manst' })).toEqual(['unit:dv-manst', 'vellinge-dagverksamhet:coordinator']);
    expect(inboxes(followUp, { order })).toEqual(['vellinge-dagverksamhet:central', 'vellinge-dagverksamhet:coordinator']);
  });

  it('R-ORDER-FAX-FALLBACK: a new order for a provider outside every system goes to its fax or e-mail and the fee administrator', () => {
    const outside = event(EVENT_TYPES.orderPlaced, { provider: { id: 'UTF-0193', connected: false, email: 'order@omsorg.example.se' }, caseOfficer: { id: 'bih-4711' } });
    const targets = routeEvent(outside, { directory });
    expect(targets.map((t) => t.inboxId)).toEqual(['fallback:UTF-0193', 'fee-administrator']);
    expect(targets[0]).toMatchObject({ kind: 'fallback', system: 'mail', addressType: 'EMAIL', addressId: 'order@omsorg.example.se' });
    const byFax = event(EVENT_TYPES.orderPlaced, { provider: { id: 'UTF-0194', connected: false, fax: '08-123 456 78' } });
    expect(routeEvent(byFax, { directory })[0]).toMatchObject({ addressType: 'FAX', addressId: '08-123 456 78' });
  });

  it('R-ORDER-WRITTEN: a back-dated written order is forwarded as usual and also reaches the section leader', () => {
    const backdated = event(EVENT_TYPES.orderPlaced, { backdated: true, desiredUnits: [{ name: 'S:t Knut dagverksamhet', priority: 1 }] });
    expect(inboxes(backdated, {})).toEqual(['vellinge-dagverksamhet:central', 'vellinge-dagverksamhet:coordinator', 'section-leader']);
  });

  it('R-ORDER-COORDINATOR-SEES-ALL: a provider whose coordinator inbox is its central inbox gets the order once', () => {
    const multi = new InboxDirectory(loadConfig(fileURLToPath(new URL('../../config/examples/multi-system.yaml', import.meta.url)), {}));
    const placed = event(EVENT_TYPES.orderPlaced, { desiredUnits: [{ name: 'Dagverksamheten Kortedala', priority: 1 }] });
    expect(routeEvent(placed, { directory: multi }).map((t) => t.inboxId)).toEqual(['hof-nordost:central']);
  });

  it('R-CONFIRM-START: a start confirmation goes to the case officer and the coordinator', () => {
    expect(inboxes(event(EVENT_TYPES.startConfirmed))).toEqual(['case-officer:lifecare:bih-4711', 'vellinge-dagverksamhet:coordinator']);
  });

  it('R-NOT-STARTED: case officer, coordinator and fee administrator are told', () => {
    expect(inboxes(event(EVENT_TYPES.orderNotStarted))).toEqual(['case-officer:lifecare:bih-4711', 'vellinge-dagverksamhet:coordinator', 'fee-administrator']);
  });

  it('R-ABSENCE: a long absence goes to the case officer and the home-care team; a short one only to the home-care team', () => {
    expect(inboxes(event(EVENT_TYPES.absenceReported, { absenceType: 'LANG' }))).toEqual(['case-officer:lifecare:bih-4711', 'home-care:hemtjänst väster']);
    expect(inboxes(event(EVENT_TYPES.absenceReported, { absenceType: 'KORT' }))).toEqual(['home-care:hemtjänst väster']);
  });

  it('R-END: closing an order tells the provider and the fee administrator', () => {
    expect(inboxes(event(EVENT_TYPES.orderClosed), { order, placedUnitId: 'dv-stknut' })).toEqual(['unit:dv-stknut', 'fee-administrator']);
  });

  it('R-KVITTENS-3VD: a breach is a notice to the case officer; a warning reminds the provider', () => {
    const breach = event(EVENT_TYPES.deadlineBreached, { kind: 'kvittens', context: { caseOfficerId: 'bih-4711', sourceSystem: 'lifecare' } });
    expect(inboxes(breach, {})).toEqual(['case-officer:lifecare:bih-4711']);
    expect(inboxes(event(EVENT_TYPES.deadlineWarning), { order })).toEqual(['vellinge-dagverksamhet:central']);
  });

  it('a warning goes where its order went: not to the unit of an earlier placement of the same client', () => {
    const warning = event(EVENT_TYPES.deadlineWarning, { kind: 'kvittens' });
    expect(inboxes(warning, { order, placedUnitId: 'dv-stknut' })).toEqual(['vellinge-dagverksamhet:central']);
    expect(inboxes(warning, { order: { ...order, unitId: 'dv-manst' }, placedUnitId: 'dv-stknut' })).toEqual(['unit:dv-manst']);
  });

  it('R-EXEC-3M: a decision not executed within three months is escalated to the section leader', () => {
    expect(inboxes(event(EVENT_TYPES.deadlineBreached, { kind: 'exec3m' }))).toEqual(['case-officer:lifecare:bih-4711', 'section-leader']);
  });

  it('R-ORDER-FAX-FALLBACK: a missed kvittens from a provider outside the systems also goes to the fee administrator', () => {
    const breach = event(EVENT_TYPES.deadlineBreached, { kind: 'kvittens', context: { providerConnected: 'false' } });
    expect(inboxes(breach)).toEqual(['case-officer:lifecare:bih-4711', 'fee-administrator']);
    expect(inboxes(event(EVENT_TYPES.deadlineBreached, { kind: 'kvittens' }))).toEqual(['case-officer:lifecare:bih-4711']);
  });

  it('R-MONTHLY-LIST: a day centre\'s participant list goes to the coordinator; R-MEALS: the meal report to the fee administrator', () => {
    const unit = { unit: { name: 'Omtankens Hus dagverksamhet' } };
    expect(inboxes(event(EVENT_TYPES.participantList, unit), {})).toEqual(['vellinge-dagverksamhet:coordinator']);
    expect(inboxes(event(EVENT_TYPES.mealReport, unit), {})).toEqual(['fee-administrator']);
  });

  it('R-MONTHLY-LIST: the coordinator\'s compiled participant lists go to the case officers\' shared inbox', () => {
    const [target] = routeEvent(event(EVENT_TYPES.participantSummary, { month: '2026-11' }), { directory });
    expect(target).toMatchObject({ inboxId: 'case-officers', kind: 'caseOfficer', system: 'lifecare', addressType: 'INKORG', addressName: 'Biståndshandläggare dagverksamhet' });
    expect(inboxes(event(EVENT_TYPES.participantSummary, { month: '2026-11' }), {})).toEqual(['case-officers']);
  });

  it('a case officer is addressed by Brygga\'s role, which each connector writes in its own word; configured inboxes keep their system\'s type', () => {
    const [target] = routeEvent(event(EVENT_TYPES.orderExecuted), { directory, order });
    expect(target).toEqual({ inboxId: 'case-officer:lifecare:bih-4711', kind: 'caseOfficer', system: 'lifecare', addressType: 'caseOfficer', addressId: 'bih-4711' });
    expect(directory.feeAdministrator().addressType).toBe('INKORG');
  });

  it('delivery and dead-letter events are not routed', () => {
    expect(inboxes(event(EVENT_TYPES.deliverySucceeded))).toEqual([]);
  });

  it('says which event types can go to an inbox at all: a type it calls unrouted goes nowhere whatever the order', () => {
    expect([EVENT_TYPES.orderPlaced, EVENT_TYPES.deadlineWarning, EVENT_TYPES.deadlineBreached, EVENT_TYPES.mealReport].every(isRouted)).toBe(true);
    const unrouted = Object.values(EVENT_TYPES).filter((type) => !isRouted(type));
    expect(unrouted).toEqual(expect.arrayContaining([EVENT_TYPES.deadlineOpened, EVENT_TYPES.deadlineMet, EVENT_TYPES.deliveryRequested]));
    for (const type of unrouted) expect(inboxes(event(type, { client: { clientId: 'cl-1' }, kind: 'exec3m' }), { order, placedUnitId: 'dv-manst' })).toEqual([]);
  });
});
