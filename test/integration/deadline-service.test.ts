// The deadline service on the embedded store and bus: idempotent under replay, cancelled with the
// reason kept, exact under clock steps, and a fire interrupted by a crash is fired again with the
// same event id. R-KVITTENS-3VD, R-EXEC-3M, R-NOT-STARTED, R-PLAN-15AD.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import type { ConsumedRecord } from '../../src/bus/bus.ts';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES, TOPICS, type EventType } from '../../src/canonical/event-types.ts';
import { ManualClock } from '../../src/clock.ts';
import type { DeadlineService } from '../../src/deadlines/service.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { deadlineServiceOn } from '../support/deadline-service.ts';
import { testLogger } from '../support/logs.ts';

const ORDER = 'ord-test-0001';
const origin = { system: 'lifecare', messageId: 'LC-1', reference: 'B-1', createdAt: '2026-11-20T14:00:00+01:00', sender: { role: 'caseOfficer', id: 'bih-4711' } };
const event = (type: EventType, id: string, time: string, data: Record<string, unknown> = {}): CloudEvent => ({
  specversion: '1.0', id, source: '/test', type, time, subject: ORDER, datacontenttype: 'application/json', correlationid: ORDER,
  data: { orderId: ORDER, origin, ...data },
});
// Registered Friday 2026-11-20 14:00 → kvittens due end of Wednesday 25th; decision 2026-11-19 → exec3m end of 2027-02-19.
const placed = event(EVENT_TYPES.orderPlaced, 'e-placed', '2026-11-20T14:00:00+01:00', { registeredAt: '2026-11-20T14:00:00+01:00', decisionDate: '2026-11-19', caseOfficer: { id: 'bih-4711' } });

describe('deadline service', () => {
  let dir: string;
  let bus: EmbeddedBus;
  let store: EmbeddedStore;
  let clock: ManualClock;
  let service: DeadlineService;
  const deadlineEvents = async () => {
    const records: ConsumedRecord[] = [];
    await bus.readAll(TOPICS.deadlineEvents, (r) => void records.push(r));
    return records.map((r) => ({ id: r.headers.ce_id!, type: r.headers.ce_type!, data: JSON.parse(r.value.toString()) as unknown }));
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'brygga-deadlines-'));
    bus = new EmbeddedBus({ dataDir: join(dir, 'bus'), logger: testLogger() });
    await bus.ensureTopics([{ name: TOPICS.deadlineEvents, partitions: 1, retentionMs: -1 }]);
    store = new EmbeddedStore({ dataDir: join(dir, 'store') });
    clock = new ManualClock(Date.parse('2026-11-20T14:00:00+01:00'));
    service = deadlineServiceOn(bus, store, clock);
  });
  afterEach(async () => {
    await bus.close();
    await store.close();
  });

  it('R-KVITTENS-3VD / R-EXEC-3M: an order opens both deadlines at their Stockholm instants; replaying it changes nothing', async () => {
    await service.handle(placed);
    await service.handle(placed);
    const deadlines = await store.deadlinesOfOrder(ORDER);
    expect(deadlines.map((d) => [d.kind, new Date(d.dueAt).toISOString(), d.status])).toEqual([
      ['kvittens', '2026-11-25T23:00:00.000Z', 'open'],
      ['exec3m', '2027-02-19T23:00:00.000Z', 'open'],
    ]);
    expect(new Date(deadlines[0]!.warnAt!).toISOString()).toBe('2026-11-23T23:00:00.000Z');
    // One opened event per deadline however often the order is replayed (ids are derived); the
    // replay tells the deadline as stored, which reads exactly as the one told on opening.
    const opened = await deadlineEvents();
    expect(new Set(opened.map((e) => e.id)).size).toBe(2);
    expect(opened.slice(2).map((e) => e.data)).toEqual(opened.slice(0, 2).map((e) => e.data));
  });

  it('R-KVITTENS-3VD: a start confirmation meets the kvittens; a repeat of it changes nothing', async () => {
    await service.handle(placed);
    const confirmed = event(EVENT_TYPES.startConfirmed, 'e-start', '2026-11-24T10:00:00+01:00', { unit: { name: 'S:t Knut dagverksamhet' }, startDate: '2026-12-01', daysPerWeek: 2 });
    await service.handle(confirmed);
    await service.handle(confirmed);
    const kvittens = await store.getDeadline(`${ORDER}:kvittens`);
    expect(kvittens).toMatchObject({ status: 'met', closedBy: 'e-start', closedAt: Date.parse('2026-11-24T10:00:00+01:00') });
    // A repeat may publish the met event again (crash recovery), but always as the same event.
    const met = (await deadlineEvents()).filter((e) => e.type === EVENT_TYPES.deadlineMet);
    expect(new Set(met.map((e) => e.id)).size).toBe(1);
  });

  it('R-NOT-STARTED: not started cancels every open deadline of the order, with the reason kept', async () => {
    await service.handle(placed);
    await service.handle(event(EVENT_TYPES.orderNotStarted, 'e-not', '2026-11-24T09:00:00+01:00', { reason: 'Brukaren har tackat nej' }));
    const deadlines = await store.deadlinesOfOrder(ORDER);
    expect(deadlines.map((d) => [d.kind, d.status])).toEqual([['kvittens', 'cancelled'], ['exec3m', 'cancelled']]);
    expect(deadlines[0]!.reason).toBe(`${EVENT_TYPES.orderNotStarted}: Brukaren har tackat nej`);
    clock.set(Date.parse('2027-03-01T00:00:00+01:00'));
    expect(await service.sweep()).toBe(0);
  });

  it('R-PLAN-15AD: the executed event opens the plan deadline from the first day attended; the plan meets it', async () => {
    await service.handle(placed);
    await service.handle(event(EVENT_TYPES.orderExecuted, 'e-exec', '2026-12-14T09:00:00+01:00', { unit: { name: 'S:t Knut dagverksamhet' }, date: '2026-12-14' }));
    expect(await store.getDeadline(`${ORDER}:plan`)).toMatchObject({ status: 'open', dueAt: Date.parse('2027-01-12T00:00:00+01:00') });
    expect(await store.getDeadline(`${ORDER}:exec3m`)).toMatchObject({ status: 'met' });
  });

  it('clock steps: nothing fires before its instant, a jump forward fires warning then breach once, a step back fires nothing again', async () => {
    await service.handle(placed);
    clock.set(Date.parse('2026-11-24T00:00:00+01:00') - 1);
    expect(await service.sweep()).toBe(0);
    clock.set(Date.parse('2026-11-24T00:00:00+01:00'));
    expect(await service.sweep()).toBe(1);
    clock.set(Date.parse('2026-11-25T23:59:59.999+01:00'));
    expect(await service.sweep()).toBe(0);
    clock.set(Date.parse('2026-12-31T12:00:00+01:00'));
    expect(await service.sweep()).toBe(1);
    clock.set(Date.parse('2026-11-21T12:00:00+01:00'));
    expect(await service.sweep()).toBe(0);
    const types = (await deadlineEvents()).map((e) => e.type);
    expect(types.filter((t) => t === EVENT_TYPES.deadlineWarning)).toHaveLength(1);
    expect(types.filter((t) => t === EVENT_TYPES.deadlineBreached)).toHaveLength(1);
    expect(await store.getDeadline(`${ORDER}:kvittens`)).toMatchObject({ status: 'breached', warned: true, closedAt: Date.parse('2026-11-26T00:00:00+01:00') });
  });

  it('R-KVITTENS-3VD: a deadline already overdue when it opens sends its breach, not a warning weeks late', async () => {
    clock.set(Date.parse('2026-12-31T12:00:00+01:00'));
    await service.handle(placed);
    expect(await service.sweep()).toBe(1);
    clock.set(Date.parse('2027-01-01T12:00:00+01:00'));
    expect(await service.sweep()).toBe(0);
    const types = (await deadlineEvents()).map((e) => e.type);
    expect(types.filter((t) => t === EVENT_TYPES.deadlineBreached)).toHaveLength(1);
    expect(types).not.toContain(EVENT_TYPES.deadlineWarning);
    expect(await store.getDeadline(`${ORDER}:kvittens`)).toMatchObject({ status: 'breached', closedAt: Date.parse('2026-11-26T00:00:00+01:00') });
    expect((await store.getDeadline(`${ORDER}:kvittens`))?.warned).toBeUndefined();
  });

  it('a fire interrupted by a crash is fired again after the lease, with the same event id, and completes once', async () => {
    await service.handle(placed);
    clock.set(Date.parse('2026-11-26T00:00:00+01:00'));
    // An instance claims both timers and dies before publishing or completing them.
    const claimed = await store.claimDue(clock.now(), 10, 30_000);
    expect(claimed.map((c) => c.phase)).toEqual(['warn', 'due']);
    expect(await service.sweep()).toBe(0);
    // After a restart the store still holds them; once the lease ran out they fire.
    await store.close();
    store = new EmbeddedStore({ dataDir: join(dir, 'store') });
    service = deadlineServiceOn(bus, store, clock);
    clock.advance(30_000);
    // The warning's moment has passed with the deadline itself: only the breach is sent.
    expect(await service.sweep()).toBe(1);
    expect(await service.sweep()).toBe(0);
    const breaches = (await deadlineEvents()).filter((e) => e.type === EVENT_TYPES.deadlineBreached);
    expect(breaches).toHaveLength(1);
  });
});
