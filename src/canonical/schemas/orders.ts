// `data` of the order events: what the authority orders and what the provider reports back
// about one order. Each carries the Brygga order id and where the message came from.
import { Type, type Static } from '@sinclair/typebox';
import {
  Attachment, ClientId, DateOnly, DateTime, DaysPerWeek, EXAMPLE, Id, PartyRole, Personnummer, StringEnum, Text, Unit,
  orderFields, topLevel,
} from './common.ts';

// R-ORDER-CONTENT: desired unit(s), next of kin for the first visit, home-care team, days per
// week and orientation.
const orderContent = {
  ...orderFields,
  registeredAt: DateTime,
  decisionDate: DateOnly,
  service: Type.Object({ code: Text(40), name: Text(200) }, { additionalProperties: false }),
  daysPerWeek: DaysPerWeek,
  orientation: StringEnum(['DEMENS', 'SOCIAL']),
  desiredUnits: Type.Array(
    Type.Object({ name: Text(200), priority: Type.Integer({ minimum: 1, maximum: 99 }) }, { additionalProperties: false }),
    { minItems: 1, maxItems: 20 },
  ),
  client: Type.Object(
    {
      clientId: ClientId, personnummer: Personnummer, name: Text(200), homeCareTeam: Type.Optional(Text(200)),
      // R-PLACEMENT-CRITERIA: the client's language weighs in the placement (Treserva Person/Sprak).
      language: Type.Optional(Type.String({ pattern: '^[a-z]{2}$', description: 'ISO 639-1' })),
    },
    { additionalProperties: false },
  ),
  nextOfKin: Type.Optional(
    Type.Array(
      Type.Object(
        { name: Text(200), relation: Type.Optional(Text(80)), phone: Type.Optional(Type.String({ pattern: '^[0-9+ ()-]{3,40}$' })) },
        { additionalProperties: false },
      ),
      { maxItems: 10 },
    ),
  ),
  caseOfficer: Type.Object({ id: Id }, { additionalProperties: false }),
  // The decision's own id where the system keeps it apart from the order reference (Treserva Beslut/@id).
  decisionId: Type.Optional(Id),
  // R-PLACEMENT-CRITERIA: the city area whose receivers distribute the assignment (Treserva Stadsomrade).
  cityArea: Type.Optional(Text(120)),
  // The provider the order is addressed to, when the source system names one (Paraply Utforare);
  // connected: false means outside every system: fax or e-mail (R-ORDER-FAX-FALLBACK).
  provider: Type.Optional(
    Type.Object(
      {
        id: Id,
        name: Type.Optional(Text(200)),
        orgNumber: Type.Optional(Text(20)),
        connected: Type.Optional(Type.Boolean()),
        fax: Type.Optional(Type.String({ pattern: '^[0-9+ ()-]{3,40}$' })),
        email: Type.Optional(Text(254)),
      },
      { additionalProperties: false },
    ),
  ),
  // R-ORDER-WRITTEN: an order first given verbally (and when), confirmed by this written one.
  verbalOrder: Type.Optional(Type.Object({ given: Type.Boolean(), date: Type.Optional(DateOnly) }, { additionalProperties: false })),
  backdated: Type.Optional(
    Type.Boolean({ description: 'R-ORDER-WRITTEN: registered more than the tolerance before Brygga received it; forwarded all the same' }),
  ),
};

const { note, ...placedWithoutNote } = {
  orderId: EXAMPLE.orderId,
  origin: EXAMPLE.caseOfficerOrigin,
  clientId: EXAMPLE.clientId,
  note: 'Brukaren önskar börja på förmiddagar.',
  registeredAt: '2026-11-23T09:14:05+01:00',
  decisionDate: '2026-11-20',
  service: { code: 'DAGV', name: 'Dagverksamhet' },
  daysPerWeek: 2,
  orientation: 'DEMENS' as const,
  desiredUnits: [
    { name: 'S:t Knut dagverksamhet', priority: 1 },
    { name: 'Postiljonen dagverksamhet', priority: 2 },
  ],
  client: { clientId: EXAMPLE.clientId, personnummer: '191212121212', name: 'Tolvan Tolvansson', homeCareTeam: 'Hemtjänst Väster' },
  nextOfKin: [{ name: 'Karin Tolvansson', relation: 'Dotter', phone: '070-123 45 67' }],
  caseOfficer: { id: 'bih-4711' },
};
const placedExample = { ...placedWithoutNote, note };

export const OrderPlacedData = topLevel(
  'order-placed',
  'A new order for a service (Lifecare BESTALLNING, Treserva NYTT, Paraply Bestallning)',
  Type.Object(orderContent, { additionalProperties: false }),
  [placedExample],
);
export type OrderPlacedData = Static<typeof OrderPlacedData>;

export const OrderFollowUpData = topLevel(
  'order-follow-up',
  'A follow-up or new decision on a client already placed (R-ORDER-CENTRAL-INBOX)',
  Type.Object({ ...orderContent, previousMessageId: Type.Optional(Id) }, { additionalProperties: false }),
  [
    {
      ...placedWithoutNote,
      origin: { ...EXAMPLE.caseOfficerOrigin, messageId: 'LC-2027-000410', createdAt: '2027-03-02T10:00:00+01:00' },
      registeredAt: '2027-03-02T10:00:00+01:00',
      decisionDate: '2027-03-01',
      daysPerWeek: 3,
      desiredUnits: [{ name: 'S:t Knut dagverksamhet', priority: 1 }],
      previousMessageId: 'LC-2026-000123',
    },
  ],
);
export type OrderFollowUpData = Static<typeof OrderFollowUpData>;

export const OrderClosedData = topLevel(
  'order-closed',
  'The case officer ends the order (R-END)',
  Type.Object({ ...orderFields, endDate: DateOnly }, { additionalProperties: false }),
  [{ orderId: EXAMPLE.orderId, origin: { ...EXAMPLE.caseOfficerOrigin, messageId: 'LC-2027-000520' }, endDate: '2027-06-30' }],
);
export type OrderClosedData = Static<typeof OrderClosedData>;

export const OrderAcknowledgedData = topLevel(
  'order-acknowledged',
  'The provider acknowledges the order: received and started (R-KVITTENS-3VD)',
  Type.Object(
    {
      ...orderFields,
      acknowledgedAt: DateTime,
      startDate: Type.Optional(DateOnly),
      confirmedBy: Type.Object(
        {
          role: PartyRole,
          id: Type.Optional(Id),
          proxy: Type.Boolean({ description: 'True when someone recorded it on the provider\'s behalf (R-ORDER-FAX-FALLBACK)' }),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  [
    {
      orderId: 'ord-9c2d7e11-0a4b-5f37',
      origin: {
        system: 'paraply',
        messageId: 'P-2026-0042:kvittens',
        reference: 'P-2026-0042',
        createdAt: '2026-11-24T11:05:00+01:00',
        sender: { role: 'provider', id: 'UTF-0193' },
      },
      acknowledgedAt: '2026-11-24T11:05:00+01:00',
      startDate: '2026-12-01',
      confirmedBy: { role: 'feeAdministrator', proxy: true },
    },
  ],
);
export type OrderAcknowledgedData = Static<typeof OrderAcknowledgedData>;

export const StartConfirmedData = topLevel(
  'start-confirmed',
  'The day centre confirms the start date and the days per week (R-CONFIRM-START)',
  Type.Object({ ...orderFields, unit: Unit, startDate: DateOnly, daysPerWeek: DaysPerWeek }, { additionalProperties: false }),
  [
    {
      orderId: EXAMPLE.orderId,
      origin: EXAMPLE.unitOrigin,
      unit: { name: 'Månstorps Ängar dagverksamhet' },
      startDate: '2026-12-01',
      daysPerWeek: 2,
    },
  ],
);
export type StartConfirmedData = Static<typeof StartConfirmedData>;

export const OrderExecutedData = topLevel(
  'order-executed',
  'The client attended for the first time: the order is executed (R-EXECUTE-ON-START)',
  Type.Object({ ...orderFields, unit: Unit, date: DateOnly }, { additionalProperties: false }),
  [
    {
      orderId: EXAMPLE.orderId,
      origin: { ...EXAMPLE.unitOrigin, messageId: 'LC-2026-000203', createdAt: '2026-12-01T16:00:00+01:00' },
      unit: { name: 'Månstorps Ängar dagverksamhet', id: 'dv-manst' },
      date: '2026-12-01',
    },
  ],
);
export type OrderExecutedData = Static<typeof OrderExecutedData>;

export const OrderNotStartedData = topLevel(
  'order-not-started',
  'The client will not start (R-NOT-STARTED)',
  Type.Object({ ...orderFields, reason: Text(2000) }, { additionalProperties: false }),
  [{ orderId: EXAMPLE.orderId, origin: EXAMPLE.unitOrigin, reason: 'Brukaren har tackat nej till platsen.' }],
);
export type OrderNotStartedData = Static<typeof OrderNotStartedData>;

export const DaysExpandedData = topLevel(
  'days-expanded',
  'More days per week (R-EXPAND-DAYS)',
  Type.Object({ ...orderFields, daysPerWeek: DaysPerWeek }, { additionalProperties: false }),
  [{ orderId: EXAMPLE.orderId, origin: EXAMPLE.unitOrigin, daysPerWeek: 3 }],
);
export type DaysExpandedData = Static<typeof DaysExpandedData>;

export const DeviationReportedData = topLevel(
  'deviation-reported',
  'A report to the case officer: absence from agreed days, deterioration, home-care needs, changed needs (R-REPORT-TO-BIH, R-CHANGED-NEEDS)',
  Type.Object(
    {
      ...orderFields,
      deviationType: StringEnum(['UTEBLIVEN', 'FORSAMRING', 'HEMTJANSTBEHOV', 'ANDRADE_BEHOV', 'ANNAT']),
      date: DateOnly,
      text: Text(4000),
    },
    { additionalProperties: false },
  ),
  [
    {
      orderId: EXAMPLE.orderId,
      origin: EXAMPLE.unitOrigin,
      deviationType: 'HEMTJANSTBEHOV',
      date: '2027-01-18',
      text: 'Behöver hjälp av hemtjänsten med påklädning före hämtning.',
    },
  ],
);
export type DeviationReportedData = Static<typeof DeviationReportedData>;

export const AbsenceReportedData = topLevel(
  'absence-reported',
  'An absence: short ones go to the home-care team only, long ones also to the case officer (R-ABSENCE)',
  Type.Object(
    { ...orderFields, absenceType: StringEnum(['KORT', 'LANG']), from: DateOnly, to: DateOnly },
    { additionalProperties: false },
  ),
  [
    {
      orderId: EXAMPLE.orderId,
      origin: { ...EXAMPLE.unitOrigin, messageId: 'LC-2026-000301', sender: { role: 'unit', id: 'dv-stknut', name: 'S:t Knut dagverksamhet' } },
      note: 'Resa till dottern i Umeå.',
      absenceType: 'LANG',
      from: '2027-02-01',
      to: '2027-02-21',
    },
  ],
);
export type AbsenceReportedData = Static<typeof AbsenceReportedData>;

export const PlanSubmittedData = topLevel(
  'plan-submitted',
  'The provider sends the implementation plan (genomförandeplan) (R-PLAN-15AD)',
  Type.Object({ ...orderFields, drawnUpAt: DateTime, attachment: Attachment }, { additionalProperties: false }),
  [{ orderId: EXAMPLE.orderId, origin: EXAMPLE.unitOrigin, drawnUpAt: '2026-12-14T13:00:00+01:00', attachment: EXAMPLE.pdf }],
);
export type PlanSubmittedData = Static<typeof PlanSubmittedData>;

export const ExecutionEndedData = topLevel(
  'execution-ended',
  'The unit manager ends the execution (verkställighet) (R-END)',
  Type.Object({ ...orderFields, endDate: DateOnly }, { additionalProperties: false }),
  [{ orderId: EXAMPLE.orderId, origin: EXAMPLE.unitOrigin, endDate: '2027-06-30' }],
);
export type ExecutionEndedData = Static<typeof ExecutionEndedData>;
