// Lifecare message (Meddelande, urn:lifecare:meddelande:2) ↔ canonical event data, as data:
// one entry per Huvud/Typ, one line per field. inbound.ts reads with it, outbound.ts writes
// with it; a municipality whose export differs changes this table, not the code.
import { EVENT_TYPES, type EventType } from '../../src/canonical/event-types.ts';
import { NAMED_ROLES } from '../../src/canonical/schemas/common.ts';
import type { AttachmentMap, Condition, FieldMapBase, ListMapBase } from '../../src/connectors/xml-mapping/map-types.ts';
import type { ValueTable } from '../../src/connectors/xml-mapping/tables.ts';
import type { ValueKind } from '../../src/connectors/xml-mapping/values.ts';

/** How the element text becomes a canonical value; value ranges are the schema's business. */
export type FieldKind = Exclude<ValueKind, 'date'>;

export interface FieldMap extends FieldMapBase<FieldKind> {
  /** Read from here when `xml` is absent (e.g. the case officer as the sender of the message). */
  alsoFrom?: { xml: string; when?: Condition };
  /** The value may not be earlier than this other field's (dates, datetimes). */
  notBefore?: string;
}

export type ListMap = ListMapBase<FieldMap>;

export interface MessageMap {
  typ: string;
  eventType: EventType;
  /** The rule the message as a whole serves. */
  rule: string;
  /** order: about one order (BeslutsId); unitReport: a unit's month; notice: a Brygga notice. */
  scope: 'order' | 'unitReport' | 'notice';
  /** out: a Brygga-added type that Lifecare receives but never sends; inbound refuses it as unknown. */
  direction: 'both' | 'out';
  fields: FieldMap[];
  lists?: ListMap[];
  attachment?: AttachmentMap;
}

export const FORMAT_RULE = 'FORMAT-LIFECARE';
export const PERSONNUMMER_RULE = 'FORMAT-PERSONNUMMER';

/** Lifecare's Avsandare/Mottagare `typ` (and BekraftadAv `roll`) ↔ Brygga's party roles. */
export const ROLES: ValueTable = [
  ['HANDLAGGARE', 'caseOfficer'],
  ['ENHET', 'unit'],
  ['INKORG', 'inbox'],
  ['SAMORDNARE', 'coordinator'],
  ['AVGIFTSHANDLAGGARE', 'feeAdministrator'],
  ['UTFORARE', 'provider'],
  ['SYSTEM', 'system'],
];

const text = (xml: string, to: string, rule: string, required: FieldMap['required'] = true): FieldMap => ({ xml, to, kind: 'text', required, rule });
const role = (xml: string, to: string, rule: string, required: FieldMap['required'] = true): FieldMap => ({ ...text(xml, to, rule, required), values: ROLES });
const integer = (xml: string, to: string, rule: string): FieldMap => ({ xml, to, kind: 'integer', required: true, rule });
const datetime = (xml: string, to: string, rule: string): FieldMap => ({ xml, to, kind: 'datetime', required: true, rule });
const header = (field: FieldMap): FieldMap => ({ ...field, direction: 'in' });

/** Huvud: the same in every message; the renderer writes its own (Avsandare SYSTEM/brygga, Mottagare the inbox). */
export const HEADER: readonly FieldMap[] = [
  header(text('Huvud/MeddelandeId', 'origin.messageId', FORMAT_RULE)),
  header(datetime('Huvud/Skapad', 'origin.createdAt', FORMAT_RULE)),
  header(role('Huvud/Avsandare/@typ', 'origin.sender.role', FORMAT_RULE)),
  header(text('Huvud/Avsandare/@id', 'origin.sender.id', FORMAT_RULE, false)),
  // Only inboxes and units keep their name: a case officer's name is personal data.
  header({ ...text('Huvud/Avsandare', 'origin.sender.name', FORMAT_RULE, false), when: { field: 'origin.sender.role', in: NAMED_ROLES } }),
  header(role('Huvud/Mottagare/@typ', 'origin.recipient.role', FORMAT_RULE, 'withParent')),
  header(text('Huvud/Mottagare/@id', 'origin.recipient.id', FORMAT_RULE, false)),
  header({ ...text('Huvud/Mottagare', 'origin.recipient.name', FORMAT_RULE, false), when: { field: 'origin.recipient.role', in: NAMED_ROLES } }),
];

const beslutsId = (rule: string): FieldMap => text('Arende/BeslutsId', 'origin.reference', rule);
const note: FieldMap = text('Text', 'note', FORMAT_RULE, false);
const unit = (rule: string): FieldMap[] => [text('Arende/Verksamhet', 'unit.name', rule), text('Arende/Verksamhet/@id', 'unit.id', rule, false)];

/** An order message about one decision: BeslutsId, the content, the free text. */
const order = (typ: string, eventType: EventType, rule: string, fields: FieldMap[], extra: Partial<MessageMap> = {}): MessageMap => ({
  typ,
  eventType,
  rule,
  scope: 'order',
  direction: 'both',
  fields: [beslutsId(rule), ...fields, note],
  ...extra,
});

// R-ORDER-CONTENT: desired day centre(s), next of kin for the first visit, the home-care team if
// the client has home care, days per week, orientation. Anhorig and Hemtjanstgrupp depend on
// the client's situation, so they are read when present and never required.
const R = 'R-ORDER-CONTENT';
const ORDER_CONTENT: FieldMap[] = [
  {
    ...text('Arende/Handlaggare/@id', 'caseOfficer.id', R),
    alsoFrom: { xml: 'Huvud/Avsandare/@id', when: { field: 'origin.sender.role', in: ['caseOfficer'] } },
  },
  { xml: 'Arende/Brukare/Personnummer', to: 'client.personnummer', kind: 'personnummer', required: true, rule: R },
  text('Arende/Brukare/Namn', 'client.name', R),
  text('Arende/Brukare/Hemtjanstgrupp', 'client.homeCareTeam', R, false),
  text('Arende/Insats/@kod', 'service.code', R),
  text('Arende/Insats', 'service.name', R),
  text('Arende/Beslutsdatum', 'decisionDate', R),
  integer('Arende/DagarPerVecka', 'daysPerWeek', R),
  text('Arende/Inriktning', 'orientation', R),
  header(datetime('Huvud/Skapad', 'registeredAt', R)),
];
const ORDER_LISTS: ListMap[] = [
  {
    xml: 'Arende/OnskadVerksamhet',
    to: 'desiredUnits',
    required: true,
    rule: R,
    items: [text('.', 'name', R), integer('@prio', 'priority', R)],
  },
  {
    xml: 'Arende/Anhorig',
    to: 'nextOfKin',
    required: false,
    rule: R,
    items: [text('Namn', 'name', R), text('@relation', 'relation', R, false), text('Telefon', 'phone', R, false)],
  },
];

const PDF = { mimes: ['application/pdf'], signatures: ['255044462d'] } as const; // %PDF-
const SPREADSHEET = {
  mimes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.ms-excel'],
  signatures: ['504b0304', 'd0cf11e0a1b11ae1'], // xlsx (zip), xls (OLE2)
} as const;

const unitReport = (typ: string, eventType: EventType, rule: string, fields: FieldMap[], extra: Partial<MessageMap> = {}): MessageMap => ({
  typ,
  eventType,
  rule,
  scope: 'unitReport',
  direction: 'both',
  fields: [...unit(rule), text('Arende/Manad', 'month', rule), ...fields],
  ...extra,
});

const reminder = (eventType: EventType): MessageMap => ({
  typ: 'PAMINNELSE',
  eventType,
  // The deadline's own rule travels in Arende/Regel.
  rule: FORMAT_RULE,
  scope: 'notice',
  direction: 'out',
  fields: [
    text('Arende/BeslutsId', 'context.reference', FORMAT_RULE, false),
    text('Arende/BryggaOrderId', 'orderId', FORMAT_RULE),
    text('Arende/Frist', 'kind', FORMAT_RULE),
    text('Arende/Regel', 'rule', FORMAT_RULE),
    datetime('Arende/Forfaller', 'dueAt', FORMAT_RULE),
    text('Text', 'text', FORMAT_RULE),
  ],
});

// R-MONTHLY-LIST: the coordinator's compilation of the units' lists, for the case officers.
const L = 'R-MONTHLY-LIST';
const optionalInteger = (xml: string, to: string): FieldMap => ({ ...integer(xml, to, L), required: false });
const participantSummary: MessageMap = {
  typ: 'DELTAGARSAMMANSTALLNING',
  eventType: EVENT_TYPES.participantSummary,
  rule: L,
  scope: 'notice',
  direction: 'out',
  fields: [
    text('Arende/Manad', 'month', L),
    integer('Arende/Totalt/AntalBesokare', 'totals.visitors', L),
    integer('Arende/Totalt/AntalIKo', 'totals.queued', L),
    integer('Arende/Totalt/AntalLedigaPlatser', 'totals.vacancies', L),
    integer('Arende/Totalt/InkomnaListor', 'totals.reportedUnits', L),
    integer('Arende/Totalt/AntalEnheter', 'totals.expectedUnits', L),
    text('Text', 'text', L),
  ],
  lists: [
    {
      xml: 'Arende/Enhet',
      to: 'units',
      required: true,
      rule: L,
      items: [
        text('Namn', 'unit', L),
        { xml: '@inkommen', to: 'reported', kind: 'boolean', required: true, rule: L },
        optionalInteger('AntalBesokare', 'visitors'),
        optionalInteger('AntalIKo', 'queued'),
        optionalInteger('AntalLedigaPlatser', 'vacancies'),
      ],
    },
  ],
};

export const MESSAGES: readonly MessageMap[] = [
  order('BESTALLNING', EVENT_TYPES.orderPlaced, R, ORDER_CONTENT, { lists: ORDER_LISTS }),
  order('UPPFOLJNING', EVENT_TYPES.orderFollowUp, 'R-ORDER-CENTRAL-INBOX',
    [...ORDER_CONTENT, header(text('Huvud/Referens', 'previousMessageId', 'R-ORDER-CENTRAL-INBOX', false))], { lists: ORDER_LISTS }),
  order('AVSLUT_BESTALLNING', EVENT_TYPES.orderClosed, 'R-END', [text('Arende/Slutdatum', 'endDate', 'R-END')]),
  order('BEKRAFTELSE', EVENT_TYPES.startConfirmed, 'R-CONFIRM-START', [
    ...unit('R-CONFIRM-START'),
    text('Arende/Startdatum', 'startDate', 'R-CONFIRM-START'),
    integer('Arende/DagarPerVecka', 'daysPerWeek', 'R-CONFIRM-START'),
  ]),
  order('VERKSTALLD', EVENT_TYPES.orderExecuted, 'R-EXECUTE-ON-START', [
    ...unit('R-EXECUTE-ON-START'),
    text('Arende/Datum', 'date', 'R-EXECUTE-ON-START'),
  ]),
  order('EJ_PABORJAD', EVENT_TYPES.orderNotStarted, 'R-NOT-STARTED', [text('Arende/Orsak', 'reason', 'R-NOT-STARTED')]),
  order('UTOKNING', EVENT_TYPES.daysExpanded, 'R-EXPAND-DAYS', [integer('Arende/DagarPerVecka', 'daysPerWeek', 'R-EXPAND-DAYS')]),
  order('AVVIKELSE', EVENT_TYPES.deviationReported, 'R-REPORT-TO-BIH', [
    text('Arende/Avvikelsetyp', 'deviationType', 'R-REPORT-TO-BIH'),
    text('Arende/Datum', 'date', 'R-REPORT-TO-BIH'),
    text('Arende/Text', 'text', 'R-REPORT-TO-BIH'),
  ]),
  order('FRANVARO', EVENT_TYPES.absenceReported, 'R-ABSENCE', [
    text('Arende/Franvarotyp', 'absenceType', 'R-ABSENCE'),
    text('Arende/From', 'from', 'R-ABSENCE'),
    { ...text('Arende/Tom', 'to', 'R-ABSENCE'), notBefore: 'from' },
  ]),
  order('GENOMFORANDEPLAN', EVENT_TYPES.planSubmitted, 'R-PLAN-15AD', [datetime('Arende/Upprattad', 'drawnUpAt', 'R-PLAN-15AD')], {
    attachment: { xml: 'Arende/Bilaga', to: 'attachment', required: true, rule: 'R-PLAN-15AD', ...PDF },
  }),
  order('AVSLUT_VERKSTALLIGHET', EVENT_TYPES.executionEnded, 'R-END', [text('Arende/Slutdatum', 'endDate', 'R-END')]),
  unitReport('DELTAGARLISTA', EVENT_TYPES.participantList, 'R-MONTHLY-LIST', [
    integer('Arende/AntalBesokare', 'visitors', 'R-MONTHLY-LIST'),
    integer('Arende/AntalIKo', 'queued', 'R-MONTHLY-LIST'),
    integer('Arende/AntalLedigaPlatser', 'vacancies', 'R-MONTHLY-LIST'),
  ]),
  unitReport('MALTIDER', EVENT_TYPES.mealReport, 'R-MEALS', [], {
    attachment: { xml: 'Arende/Bilaga', to: 'attachment', required: true, rule: 'R-MEALS', ...SPREADSHEET },
  }),
  // Brygga-added (README): how an acknowledgement that came another way reaches a Lifecare case officer.
  order('KVITTENS', EVENT_TYPES.orderAcknowledged, 'R-KVITTENS-3VD', [
    datetime('Arende/Mottagen', 'acknowledgedAt', 'R-KVITTENS-3VD'),
    text('Arende/Startdatum', 'startDate', 'R-KVITTENS-3VD', false),
    role('Arende/BekraftadAv/@roll', 'confirmedBy.role', 'R-KVITTENS-3VD'),
    text('Arende/BekraftadAv/@id', 'confirmedBy.id', 'R-KVITTENS-3VD', false),
    { xml: 'Arende/BekraftadAv/@ombud', to: 'confirmedBy.proxy', kind: 'boolean', required: true, rule: 'R-ORDER-FAX-FALLBACK' },
  ], { direction: 'out' }),
  // Brygga-added (README): deadline notices, to the case officer (breached) or the provider (warning).
  reminder(EVENT_TYPES.deadlineWarning),
  reminder(EVENT_TYPES.deadlineBreached),
  // Brygga-added (README): the compiled participant lists, to the case officers' shared inbox.
  participantSummary,
];

/** The map Lifecare messages of this Typ are read with (types Lifecare sends). */
export function inboundMapOf(typ: string): MessageMap | undefined {
  return MESSAGES.find((m) => m.typ === typ && m.direction === 'both');
}

/** The map an event of this type is rendered with, if Lifecare has a message for it. */
export function outboundMapOf(type: EventType): MessageMap | undefined {
  return MESSAGES.find((m) => m.eventType === type);
}
