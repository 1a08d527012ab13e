// The reports of "Every deadline of the routines": R-EXEC-3M (section leader and the national EVB
// report), R-ORDER-ONE-ACTIVE, R-MONTHLY-LIST. One scenario of canonical events covers every
// order state; the expected figures are counted from the calendar by hand in the comments.
// Personnummer: Skatteverket's test numbers only (Luhn checked below).
import { describe, expect, it } from 'vitest';
import { orderIdFor, stableId, type CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES, type EventType } from '../../src/canonical/event-types.ts';
import { luhnValid } from '../../src/canonical/personnummer.ts';
import { clientIdFor } from '../../src/canonical/pseudonym.ts';
import type {
  OrderAcknowledgedData, OrderClosedData, OrderExecutedData, OrderFollowUpData, OrderNotStartedData, OrderPlacedData, StartConfirmedData,
} from '../../src/canonical/schemas/orders.ts';
import type { Origin } from '../../src/canonical/schemas/common.ts';
import type { ParticipantListData } from '../../src/canonical/schemas/reports.ts';
import { eventProblems } from '../../src/canonical/validate.ts';
import { CSV_BOM, csvField, toCsv } from '../../src/reports/csv.ts';
import { NOT_EXECUTED_REASON, evbCsv, evbPseudoSuffix, evbReport, evbText, quarterBounds } from '../../src/reports/evb.ts';
import { foldOrderStates, type OrderState } from '../../src/reports/order-states.ts';
import { compileParticipantLists, participantListCsv, participantListText } from '../../src/reports/participant-list.ts';
import { sectionLeaderCsv, sectionLeaderReport, sectionLeaderText } from '../../src/reports/section-leader.ts';

// --- The scenario -----------------------------------------------------------------------------

const KEY = 'reports-test-key';
const PNR = { a: '191212121212', b: '194001019993', c: '191212721219' } as const; // c: samordningsnummer (day 72 = 12 + 60)
const NAMES = { a: 'Tolvan Tolvansson', b: 'Test Testsson', c: 'Samo Samordningsson' } as const;
type Who = keyof typeof PNR;
const CLIENT = { a: clientIdFor(PNR.a, KEY), b: clientIdFor(PNR.b, KEY), c: clientIdFor(PNR.c, KEY) };

const REF = { inTime: 'B-2026-1001', late: 'B-2026-1002', waiting: 'B-2026-1003', notYet: 'B-2026-1004', notStarted: 'B-2026-1005', closedEarly: 'B-2026-1006', duplicate: 'B-2026-1007' } as const;
const ORD = Object.fromEntries(Object.entries(REF).map(([k, ref]) => [k, orderIdFor('lifecare', ref)])) as Record<keyof typeof REF, string>;

const DAGV = { code: 'DAGV', name: 'Dagverksamhet' };
const DAGV_D = { code: 'DAGV-D', name: 'Dagverksamhet; demensinriktning' };
const UNIT = {
  stknut: { id: 'dv-stknut', name: 'S:t Knut dagverksamhet' },
  post: { id: 'dv-post', name: 'Postiljonen dagverksamhet' },
  manst: { id: 'dv-manst', name: 'Månstorps Ängar dagverksamhet' },
  omtanke: { id: 'dv-omtanke', name: 'Omtankens Hus dagverksamhet' },
} as const;
const NOT_STARTED_REASON = 'Brukaren har tackat nej; vill vänta till våren.';

function scenario(): CloudEvent[] {
  const events: CloudEvent[] = [];
  const emit = <T>(type: EventType, subject: string, time: string, data: T) => {
    events.push({
      specversion: '1.0', id: stableId('reports-test', String(events.length)), source: '/connectors/lifecare', type, time, subject,
      datacontenttype: 'application/json', correlationid: subject, data,
    });
  };
  const officerOrigin = (ref: string, n: number, createdAt: string, officer = 'bih-4711'): Origin => ({
    system: 'lifecare', messageId: `LC-${ref}-${n}`, reference: ref, createdAt,
    sender: { role: 'caseOfficer', id: officer }, recipient: { role: 'inbox', name: 'ÄO Dagverksamhet Inkorg' },
  });
  const unitOrigin = (ref: string, n: number, createdAt: string, unit: { id: string; name: string }): Origin => ({
    system: 'lifecare', messageId: `LC-${ref}-${n}`, reference: ref, createdAt,
    sender: { role: 'unit', id: unit.id, name: unit.name }, recipient: { role: 'caseOfficer', id: 'bih-4711' },
  });
  const decision = (ref: string, who: Who, service: { code: string; name: string }, decisionDate: string, registeredAt: string, units: string[], officer = 'bih-4711') => ({
    orderId: orderIdFor('lifecare', ref),
    origin: officerOrigin(ref, 1, registeredAt, officer),
    clientId: CLIENT[who],
    registeredAt,
    decisionDate,
    service,
    daysPerWeek: 2,
    orientation: 'DEMENS' as const,
    desiredUnits: units.map((name, i) => ({ name, priority: i + 1 })),
    client: { clientId: CLIENT[who], personnummer: PNR[who], name: NAMES[who] },
    caseOfficer: { id: officer },
  });
  const placed = (...args: Parameters<typeof decision>) => {
    const data: OrderPlacedData = decision(...args);
    emit(EVENT_TYPES.orderPlaced, data.orderId, data.registeredAt, data);
  };
  const executed = (ref: string, unit: { id: string; name: string }, date: string, createdAt: string) => {
    const data: OrderExecutedData = { orderId: orderIdFor('lifecare', ref), origin: unitOrigin(ref, 3, createdAt, unit), unit, date };
    emit(EVENT_TYPES.orderExecuted, data.orderId, createdAt, data);
  };
  const closed = (ref: string, endDate: string, createdAt: string) => {
    const data: OrderClosedData = { orderId: orderIdFor('lifecare', ref), origin: officerOrigin(ref, 9, createdAt), endDate };
    emit(EVENT_TYPES.orderClosed, data.orderId, createdAt, data);
  };

  // 1. Executed in time: decision 10 Jul, due 10 Oct, executed 1 Sep at S:t Knut.
  placed(REF.inTime, 'a', DAGV, '2026-07-10', '2026-07-13T09:00:00+02:00', [UNIT.stknut.name]);
  const start: StartConfirmedData = {
    orderId: ORD.inTime, origin: unitOrigin(REF.inTime, 2, '2026-08-20T15:00:00+02:00', UNIT.stknut), unit: { name: UNIT.stknut.name }, startDate: '2026-09-01', daysPerWeek: 2,
  };
  emit(EVENT_TYPES.startConfirmed, ORD.inTime, start.origin.createdAt, start);
  executed(REF.inTime, UNIT.stknut, '2026-09-01', '2026-09-01T16:00:00+02:00');

  // 2. Executed late: decision 31 Aug, due 30 Nov (31 Nov does not exist), executed 10 Dec.
  placed(REF.late, 'b', DAGV, '2026-08-31', '2026-09-01T10:00:00+02:00', [UNIT.post.name, UNIT.stknut.name]);
  executed(REF.late, UNIT.post, '2026-12-10', '2026-12-10T16:00:00+01:00');

  // 3. Still waiting: decision 15 Jun, due 15 Sep, acknowledged but never started.
  placed(REF.waiting, 'c', DAGV, '2026-06-15', '2026-06-16T08:30:00+02:00', [UNIT.manst.name], 'bih-0815');
  const ack: OrderAcknowledgedData = {
    orderId: ORD.waiting, origin: unitOrigin(REF.waiting, 2, '2026-06-17T11:00:00+02:00', UNIT.manst),
    acknowledgedAt: '2026-06-17T11:00:00+02:00', confirmedBy: { role: 'unit', id: UNIT.manst.id, proxy: false },
  };
  emit(EVENT_TYPES.orderAcknowledged, ORD.waiting, ack.acknowledgedAt, ack);

  // 4. Waiting, not yet 3 months: decision 1 Aug, replaced by a new decision of 2 Nov (due 2 Feb 2027).
  placed(REF.notYet, 'c', DAGV_D, '2026-08-01', '2026-08-03T09:00:00+02:00', [UNIT.omtanke.name]);
  const followUp: OrderFollowUpData = {
    ...decision(REF.notYet, 'c', DAGV_D, '2026-11-02', '2026-11-03T09:00:00+01:00', [UNIT.omtanke.name]),
    daysPerWeek: 3,
    previousMessageId: `LC-${REF.notYet}-1`,
  };
  followUp.origin = { ...followUp.origin, messageId: `LC-${REF.notYet}-2` };
  emit(EVENT_TYPES.orderFollowUp, ORD.notYet, followUp.registeredAt, followUp);

  // 5. Not started: decision 1 Jun, due 1 Sep; the unit reports on 5 Oct that the client declined; closed 6 Oct.
  placed(REF.notStarted, 'a', DAGV_D, '2026-06-01', '2026-06-02T09:00:00+02:00', [UNIT.stknut.name]);
  const notStarted: OrderNotStartedData = {
    orderId: ORD.notStarted, origin: unitOrigin(REF.notStarted, 2, '2026-10-05T14:00:00+02:00', UNIT.stknut), reason: NOT_STARTED_REASON,
  };
  emit(EVENT_TYPES.orderNotStarted, ORD.notStarted, notStarted.origin.createdAt, notStarted);
  closed(REF.notStarted, '2026-10-06', '2026-10-06T10:00:00+02:00');

  // 6. Closed before due: decision 10 Sep (due 10 Dec), closed 20 Oct.
  placed(REF.closedEarly, 'b', DAGV_D, '2026-09-10', '2026-09-11T09:00:00+02:00', [UNIT.post.name]);
  closed(REF.closedEarly, '2026-10-20', '2026-10-20T09:00:00+02:00');

  // 7. A second active decision for client b and DAGV while order 2 still runs (R-ORDER-ONE-ACTIVE).
  placed(REF.duplicate, 'b', DAGV, '2026-11-20', '2026-11-23T09:14:05+01:00', [UNIT.post.name]);

  // Participant lists (R-MONTHLY-LIST), on their own topic but in the same log read.
  const list = (unit: { id?: string; name: string }, sender: { id?: string; name: string }, month: string, createdAt: string, counts: [number, number, number]) => {
    const data: ParticipantListData = {
      origin: {
        system: 'lifecare', messageId: `LC-LIST-${events.length}`, reference: `${sender.id ?? 'dv'}:${month}`, createdAt,
        sender: { role: 'unit', ...(sender.id ? { id: sender.id } : {}), name: sender.name }, recipient: { role: 'coordinator', id: 'samordnare-1' },
      },
      unit, month, visitors: counts[0], queued: counts[1], vacancies: counts[2],
    };
    emit(EVENT_TYPES.participantList, unit.id ?? unit.name, createdAt, data);
  };
  list(UNIT.stknut, UNIT.stknut, '2026-11', '2026-11-30T15:00:00+01:00', [17, 3, 2]);
  list(UNIT.stknut, UNIT.stknut, '2026-11', '2026-11-30T16:30:00+01:00', [18, 3, 2]); // the correction
  list({ name: UNIT.post.name }, { name: UNIT.post.name }, '2026-11', '2026-11-30T12:00:00+01:00', [21, 5, 0]); // matched by name
  list(UNIT.manst, UNIT.manst, '2026-11', '2026-11-30T16:10:00+01:00', [23, 4, 1]);
  list(UNIT.omtanke, UNIT.omtanke, '2026-10', '2026-10-30T16:00:00+01:00', [15, 2, 1]); // October: Omtankens Hus is missing in November
  list({ name: 'Solgläntan dagverksamhet' }, { name: 'Solgläntan dagverksamhet' }, '2026-11', '2026-11-30T10:00:00+01:00', [12, 0, 3]);
  list(UNIT.stknut, UNIT.stknut, '2026-11', '2026-11-30T14:00:00+01:00', [16, 3, 2]); // an older draft arriving last: loses
  return events;
}

const EVENTS = scenario();
const STATES = foldOrderStates(EVENTS);
const VELLINGE = [
  { id: 'dv-stknut', name: 'S:t Knut' },
  { id: 'dv-post', name: 'Postiljonen' },
  { id: 'dv-manst', name: 'Månstorps Ängar' },
  { id: 'dv-omtanke', name: 'Omtankens Hus' },
];
const suffix = (orderId: string) => evbPseudoSuffix(orderId);

/** No personnummer in any written form, nor a scenario person's name or birth date in personnummer form. */
function expectNoPersonalData(text: string): void {
  expect(text).not.toMatch(/\d{6}(\d{2})?[-+]?\d{4}/);
  for (const pnr of Object.values(PNR)) {
    for (const form of [pnr, pnr.slice(2), `${pnr.slice(0, 8)}-${pnr.slice(8)}`, `${pnr.slice(2, 8)}-${pnr.slice(8)}`, `-${pnr.slice(8)}`]) {
      expect(text).not.toContain(form);
    }
  }
  for (const name of Object.values(NAMES)) expect(text).not.toContain(name.split(' ')[0]!);
}

describe('the scenario', () => {
  it('uses Skatteverket test numbers with a valid Luhn digit, and every event passes its schema', () => {
    for (const pnr of Object.values(PNR)) expect(luhnValid(pnr.slice(2))).toBe(true);
    for (const event of EVENTS) expect(eventProblems(event)).toEqual([]);
  });
});

describe('foldOrderStates', () => {
  it('gives one state per order with the status of its events', () => {
    expect(Object.fromEntries([...STATES.values()].map((s) => [s.reference, s.status]))).toEqual({
      [REF.inTime]: 'executed',
      [REF.late]: 'executed',
      [REF.waiting]: 'ordered',
      [REF.notYet]: 'ordered',
      [REF.notStarted]: 'closed',
      [REF.closedEarly]: 'closed',
      [REF.duplicate]: 'ordered',
    });
  });

  it('a follow-up (new decision) replaces decision date and service data; the birth date is kept, the personnummer is not', () => {
    expect(STATES.get(ORD.notYet)).toEqual({
      orderId: ORD.notYet, system: 'lifecare', reference: REF.notYet, clientId: CLIENT.c, birthDate: '1912-12-12',
      serviceCode: 'DAGV-D', serviceName: 'Dagverksamhet; demensinriktning', decisionDate: '2026-11-02', registeredAt: '2026-11-03T09:00:00+01:00',
      unitName: UNIT.omtanke.name, caseOfficerId: 'bih-4711', status: 'ordered',
    } satisfies OrderState);
    expectNoPersonalData(JSON.stringify([...STATES.values()]));
  });

  it('keeps the not-started reason and date when the case officer then closes the order (R-NOT-STARTED)', () => {
    expect(STATES.get(ORD.notStarted)).toMatchObject({
      status: 'closed', notStartedReason: NOT_STARTED_REASON, notStartedDate: '2026-10-05', closedDate: '2026-10-06', unitName: UNIT.stknut.name,
    });
    expect(STATES.get(ORD.inTime)).toMatchObject({ status: 'executed', startDate: '2026-09-01', executedDate: '2026-09-01', unitName: UNIT.stknut.name });
  });

  it('skips a repeated event id and events for orders it never saw placed', () => {
    const stray: CloudEvent = { ...EVENTS.find((e) => e.type === EVENT_TYPES.orderExecuted)!, id: 'stray', data: { orderId: 'ord-unknown' } };
    const twice = foldOrderStates([...EVENTS, ...EVENTS, stray]);
    expect(twice).toEqual(STATES);
    expect(twice.has('ord-unknown')).toBe(false);
  });
});

describe('R-EXEC-3M: the section leader\'s monthly report', () => {
  const report = sectionLeaderReport(STATES, '2026-12-31');

  it('R-EXEC-3M lists per unit the decisions still open past their due date and those executed late', () => {
    expect(report.asOf).toBe('2026-12-31');
    expect(report.notExecuted).toEqual([
      {
        unit: UNIT.manst.name,
        decisions: [
          // 15 Jun → 31 Dec: 15 + 31 + 31 + 30 + 31 + 30 + 31 = 199 days.
          { orderId: ORD.waiting, reference: REF.waiting, serviceCode: 'DAGV', caseOfficerId: 'bih-0815', decisionDate: '2026-06-15', dueDate: '2026-09-15', daysWaited: 199, status: 'ordered', executedLate: false },
        ],
      },
      {
        unit: UNIT.post.name,
        decisions: [
          // 31 Aug → 10 Dec: 30 + 31 + 30 + 10 = 101 days; due date clamped to 30 Nov.
          { orderId: ORD.late, reference: REF.late, serviceCode: 'DAGV', caseOfficerId: 'bih-4711', decisionDate: '2026-08-31', dueDate: '2026-11-30', daysWaited: 101, status: 'executed', executedLate: true, executedDate: '2026-12-10' },
        ],
      },
    ]);
  });

  it('R-EXEC-3M lists separately a decision that ended without execution after its due date, not one closed before it', () => {
    expect(report.endedWithoutExecution).toEqual([
      // 1 Jun → 5 Oct: 29 + 31 + 31 + 30 + 5 = 126 days.
      {
        orderId: ORD.notStarted, reference: REF.notStarted, serviceCode: 'DAGV-D', caseOfficerId: 'bih-4711', decisionDate: '2026-06-01', dueDate: '2026-09-01',
        daysWaited: 126, status: 'closed', executedLate: false, reason: NOT_STARTED_REASON, unit: UNIT.stknut.name, endedDate: '2026-10-05',
      },
    ]);
  });

  it('R-ORDER-ONE-ACTIVE finds two active decisions for the same client and service', () => {
    expect(report.duplicateActive).toEqual([{ clientId: CLIENT.b, serviceCode: 'DAGV', orderIds: [ORD.late, ORD.duplicate], references: [REF.late, REF.duplicate] }]);
  });

  it('R-EXEC-3M on the due date itself an open decision is listed; the day before it is not; a later execution does not count yet', () => {
    const onDue = sectionLeaderReport(STATES, '2026-11-30');
    // 31 Aug → 30 Nov: 30 + 31 + 30 = 91 days, still open as of 30 Nov: ordered then, executed only on 10 Dec.
    expect(onDue.notExecuted.find((u) => u.unit === UNIT.post.name)?.decisions).toEqual([
      { orderId: ORD.late, reference: REF.late, serviceCode: 'DAGV', caseOfficerId: 'bih-4711', decisionDate: '2026-08-31', dueDate: '2026-11-30', daysWaited: 91, status: 'ordered', executedLate: false },
    ]);
    expect(sectionLeaderReport(STATES, '2026-11-29').notExecuted.map((u) => u.unit)).toEqual([UNIT.manst.name]);
  });

  it('R-ORDER-ONE-ACTIVE as of a date: a decision taken after it is no duplicate yet; an order closed after it was still active', () => {
    // B-2026-1007 was decided on 20 Nov: on 19 Nov client b had one active decision of DAGV.
    expect(sectionLeaderReport(STATES, '2026-11-19').duplicateActive).toEqual([]);
    expect(sectionLeaderReport(STATES, '2026-11-20').duplicateActive.map((d) => d.references)).toEqual([[REF.late, REF.duplicate]]);
    // Not started on 5 Oct and closed on 6 Oct: as of 4 Oct it was ordered, as of 5 Oct not started.
    const states = new Map([...STATES].filter(([id]) => id === ORD.notStarted));
    expect(sectionLeaderReport(states, '2026-10-04').notExecuted.flatMap((u) => u.decisions.map((d) => d.status))).toEqual(['ordered']);
    expect(sectionLeaderReport(states, '2026-10-05').endedWithoutExecution.map((d) => d.status)).toEqual(['not-started']);
  });

  it('R-EXEC-3M the text for the meeting names every section, ids only', () => {
    const text = sectionLeaderText(report);
    expect(text).toContain('Sektionsledarens uppföljning per 2026-12-31.');
    expect(text).toContain(`Månstorps Ängar dagverksamhet:\n  ${REF.waiting} (DAGV), beslut 2026-06-15, förfallodag 2026-09-15, 199 dagar, beställd, handläggare bih-0815`);
    expect(text).toContain(`${REF.late} (DAGV), beslut 2026-08-31, förfallodag 2026-11-30, 101 dagar, verkställd, verkställt 2026-12-10`);
    expect(text).toContain(`klient ${CLIENT.b}, DAGV: ${REF.late}, ${REF.duplicate}`);
    expectNoPersonalData(text);
  });

  it('R-EXEC-3M executed or ended on the due date counts as in time', () => {
    const base: OrderState = {
      orderId: 'ord-edge', system: 'lifecare', reference: 'B-EDGE', clientId: CLIENT.a, birthDate: '1912-12-12', serviceCode: 'DAGV', serviceName: 'Dagverksamhet',
      decisionDate: '2026-11-30', registeredAt: '2026-11-30T10:00:00+01:00', unitName: UNIT.stknut.name, caseOfficerId: 'bih-4711', status: 'executed',
    };
    // 30 Nov + 3 months = 28 Feb 2027 (no 30 Feb).
    const onTime = { ...base, executedDate: '2027-02-28' };
    const endedOnDue = { ...base, orderId: 'ord-edge-2', status: 'not-started' as const, notStartedDate: '2027-02-28', notStartedReason: 'Flyttat' };
    const r = sectionLeaderReport([onTime, endedOnDue], '2027-03-15');
    expect(r.notExecuted).toEqual([]);
    expect(r.endedWithoutExecution).toEqual([]);
    expect(sectionLeaderReport([{ ...base, executedDate: '2027-03-01' }], '2027-03-15').notExecuted[0]?.decisions[0]).toMatchObject({ dueDate: '2027-02-28', executedLate: true, daysWaited: 91 });
  });

  it('R-EXEC-3M the CSV has one line per order, ids only, quoted where needed', () => {
    const csv = sectionLeaderCsv(report);
    expect(csv).toBe(
      CSV_BOM
      + 'Kategori;Enhet;Order-id;Referens;Insats;Handläggare;Beslutsdatum;Förfallodag;Dagar väntat;Status;Verkställt;Avslutat;Orsak;Klient-id\r\n'
      + `Ej verkställt inom 3 månader;Månstorps Ängar dagverksamhet;${ORD.waiting};B-2026-1003;DAGV;bih-0815;2026-06-15;2026-09-15;199;beställd;;;;\r\n`
      + `Verkställt efter 3 månader;Postiljonen dagverksamhet;${ORD.late};B-2026-1002;DAGV;bih-4711;2026-08-31;2026-11-30;101;verkställd;2026-12-10;;;\r\n`
      + `Avslutat utan verkställighet efter 3 månader;S:t Knut dagverksamhet;${ORD.notStarted};B-2026-1005;DAGV-D;bih-4711;2026-06-01;2026-09-01;126;avslutad;;2026-10-05;"${NOT_STARTED_REASON}";\r\n`
      + `Flera aktiva beslut;;${ORD.late};B-2026-1002;DAGV;;;;;;;;;${CLIENT.b}\r\n`
      + `Flera aktiva beslut;;${ORD.duplicate};B-2026-1007;DAGV;;;;;;;;;${CLIENT.b}\r\n`,
    );
    expectNoPersonalData(csv);
    expectNoPersonalData(JSON.stringify(report));
    for (const birth of ['1912-12-12', '19121212', '1940-01-01', '19400101']) expect(JSON.stringify(report) + csv).not.toContain(birth);
  });
});

describe('R-EXEC-3M: the quarterly EVB report to IVO', () => {
  it('quarters run from the first day of their first month to the last day of their third', () => {
    expect(quarterBounds('2026Q1')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(quarterBounds('2026Q2')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(quarterBounds('2026Q3')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(quarterBounds('2026Q4')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(() => quarterBounds('2026Q5')).toThrow(RangeError);
    expect(() => quarterBounds('2026-Q4')).toThrow(RangeError);
  });

  it('R-EXEC-3M 2026Q4: the waiting decision, the late one with its execution date, the not-started one with its end (closing reports)', () => {
    expect(evbReport(STATES, '2026Q4', suffix)).toEqual([
      // Birth date of a (1912-12-12) and a made-up suffix; 1 Jun → 5 Oct = 126 days.
      { person: `19121212-${suffix(ORD.notStarted)}`, decisionDate: '2026-06-01', service: 'Dagverksamhet; demensinriktning', daysWaited: 126, reason: NOT_STARTED_REASON, endedDate: '2026-10-05', orderId: ORD.notStarted },
      // Samordningsnummer 19121272-… gives the birth date 1912-12-12 (day − 60); 15 Jun → 31 Dec = 199 days.
      { person: `19121212-${suffix(ORD.waiting)}`, decisionDate: '2026-06-15', service: 'Dagverksamhet', daysWaited: 199, reason: NOT_EXECUTED_REASON, orderId: ORD.waiting },
      // 31 Aug → 10 Dec = 101 days.
      { person: `19400101-${suffix(ORD.late)}`, decisionDate: '2026-08-31', service: 'Dagverksamhet', daysWaited: 101, reason: NOT_EXECUTED_REASON, executedDate: '2026-12-10', orderId: ORD.late },
    ]);
  });

  it('R-EXEC-3M 2026Q3: what happened after the quarter does not count; 2027Q1: what ended before it is gone', () => {
    expect(evbReport(STATES, '2026Q3', () => 'T000')).toEqual([
      // Not started only on 5 Oct: at 30 Sep it was waiting. 1 Jun → 30 Sep = 121 days; 15 Jun → 30 Sep = 107.
      { person: '19121212-T000', decisionDate: '2026-06-01', service: 'Dagverksamhet; demensinriktning', daysWaited: 121, reason: NOT_EXECUTED_REASON, orderId: ORD.notStarted },
      { person: '19121212-T000', decisionDate: '2026-06-15', service: 'Dagverksamhet', daysWaited: 107, reason: NOT_EXECUTED_REASON, orderId: ORD.waiting },
    ]);
    // To 31 Mar 2027: 15 Jun → 289 days; 2 Nov (new decision, due 2 Feb) → 149; 20 Nov (due 20 Feb) → 131.
    expect(evbReport(STATES, '2027Q1', () => 'T000').map((r) => [r.orderId, r.daysWaited])).toEqual([
      [ORD.waiting, 289],
      [ORD.notYet, 149],
      [ORD.duplicate, 131],
    ]);
  });

  it('R-EXEC-3M suffixes are T and three digits, stable across runs, from the order id alone', () => {
    const first = evbReport(foldOrderStates(scenario()), '2026Q4');
    const second = evbReport(foldOrderStates(scenario()), '2026Q4');
    expect(second).toEqual(first);
    for (const row of first) expect(row.person).toMatch(/^\d{8}-T\d{3}$/);
    expect(evbPseudoSuffix(ORD.waiting)).toBe(evbPseudoSuffix(ORD.waiting));
    const other = new Set(Object.values(ORD).map(evbPseudoSuffix));
    expect(other.size).toBeGreaterThan(1);
    expect(() => evbReport(STATES, '2026Q4', () => '1212')).toThrow(RangeError);
  });

  it('R-EXEC-3M the EVB as text: one line per decision, the person by birth date and suffix', () => {
    const text = evbText('2026Q4', evbReport(STATES, '2026Q4'));
    expect(text.split('\n')[0]).toBe('Ej verkställda beslut (EVB), kvartal 2026Q4 (2026-10-01–2026-12-31): 3 st.');
    expect(text).toMatch(/^19121212-T\d{3} {2}Dagverksamhet; demensinriktning, beslut 2026-06-01, \d+ dagar, /m);
    expectNoPersonalData(text);
  });

  it('R-EXEC-3M the EVB rows and CSV carry no personnummer and no name', () => {
    const rows = evbReport(STATES, '2026Q4');
    const csv = evbCsv(rows);
    expectNoPersonalData(JSON.stringify(rows));
    expectNoPersonalData(csv);
    expect(csv).toBe(
      CSV_BOM
      + 'Person;Beslutsdatum;Insats;Dagar väntat;Orsak;Verkställt;Avslutat;Order-id\r\n'
      + `19121212-${suffix(ORD.notStarted)};2026-06-01;"Dagverksamhet; demensinriktning";126;"${NOT_STARTED_REASON}";;2026-10-05;${ORD.notStarted}\r\n`
      + `19121212-${suffix(ORD.waiting)};2026-06-15;Dagverksamhet;199;Ej verkställt;;;${ORD.waiting}\r\n`
      + `19400101-${suffix(ORD.late)};2026-08-31;Dagverksamhet;101;Ej verkställt;2026-12-10;;${ORD.late}\r\n`,
    );
  });
});

describe('R-MONTHLY-LIST: the coordinator\'s compiled participant lists', () => {
  const report = compileParticipantLists(EVENTS, '2026-11', VELLINGE);

  it('R-MONTHLY-LIST takes the latest list per unit, sums the reported units and names the missing one', () => {
    expect(report).toEqual({
      month: '2026-11',
      units: [
        { unitId: 'dv-stknut', unit: 'S:t Knut', visitors: 18, queued: 3, vacancies: 2, reported: true, sentAt: '2026-11-30T16:30:00+01:00' },
        { unitId: 'dv-post', unit: 'Postiljonen', visitors: 21, queued: 5, vacancies: 0, reported: true, sentAt: '2026-11-30T12:00:00+01:00' },
        { unitId: 'dv-manst', unit: 'Månstorps Ängar', visitors: 23, queued: 4, vacancies: 1, reported: true, sentAt: '2026-11-30T16:10:00+01:00' },
        { unitId: 'dv-omtanke', unit: 'Omtankens Hus', visitors: null, queued: null, vacancies: null, reported: false },
      ],
      totals: { visitors: 62, queued: 12, vacancies: 3, reportedUnits: 3, expectedUnits: 4 },
      missing: [{ id: 'dv-omtanke', name: 'Omtankens Hus' }],
      unmatched: [{ unit: 'Solgläntan dagverksamhet', visitors: 12, queued: 0, vacancies: 3, sentAt: '2026-11-30T10:00:00+01:00' }],
    });
  });

  it('R-MONTHLY-LIST a month without lists has every unit missing', () => {
    const empty = compileParticipantLists(EVENTS, '2026-12', VELLINGE);
    expect(empty.missing.map((u) => u.id)).toEqual(VELLINGE.map((u) => u.id));
    expect(empty.totals).toEqual({ visitors: 0, queued: 0, vacancies: 0, reportedUnits: 0, expectedUnits: 4 });
    expect(() => compileParticipantLists(EVENTS, '2026-13', VELLINGE)).toThrow(RangeError);
  });

  it('R-MONTHLY-LIST CSV and the Swedish text for the case officers', () => {
    expect(participantListCsv(report)).toBe(
      `${CSV_BOM}Enhet;Besökare;I kö;Lediga platser;Lista inkommen\r\n`
      + 'S:t Knut;18;3;2;ja\r\nPostiljonen;21;5;0;ja\r\nMånstorps Ängar;23;4;1;ja\r\nOmtankens Hus;;;;nej\r\nTotalt;62;12;3;3 av 4\r\n',
    );
    expect(participantListText(report)).toBe(
      'Sammanställning av deltagarlistor för dagverksamhet, november 2026.\n\n'
      + 'S:t Knut: 18 besökare, 3 i kö, 2 lediga platser.\n'
      + 'Postiljonen: 21 besökare, 5 i kö, 0 lediga platser.\n'
      + 'Månstorps Ängar: 23 besökare, 4 i kö, 1 ledig plats.\n'
      + 'Omtankens Hus: ingen lista har kommit in.\n\n'
      + 'Totalt för 3 av 4 enheter: 62 besökare, 12 i kö, 3 lediga platser.\n'
      + 'Lista saknas från: Omtankens Hus.\n',
    );
  });
});

describe('CSV (RFC 4180, Swedish Excel)', () => {
  it('quotes fields with ; , " or a line break, doubles quotes, keeps åäö, and disarms formulas', () => {
    expect(csvField('Månstorps Ängar')).toBe('Månstorps Ängar');
    expect(csvField('Öppet; stängt')).toBe('"Öppet; stängt"');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('säger "hej"')).toBe('"säger ""hej"""');
    expect(csvField('rad 1\nrad 2')).toBe('"rad 1\nrad 2"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
    expect(csvField(true)).toBe('ja');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
  });

  it('starts with the UTF-8 byte order mark and ends every line with CRLF', () => {
    const csv = toCsv([{ a: 'Älvsjö; söder', b: 1 }], [{ header: 'Enhet', value: (r) => r.a }, { header: 'Antal', value: (r) => r.b }]);
    expect(csv).toBe('\uFEFFEnhet;Antal\r\n"Älvsjö; söder";1\r\n');
    const bytes = Buffer.from(csv, 'utf8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.includes(Buffer.from('Ä', 'utf8'))).toBe(true);
    expect(toCsv([{ a: 'x,y' }], [{ header: 'A', value: (r) => r.a }], { separator: ',', bom: false })).toBe('A\r\n"x,y"\r\n');
  });
});
