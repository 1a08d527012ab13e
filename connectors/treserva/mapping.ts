// Treserva file (<Uppdrag>, http://schemas.cgi.se/treserva/uppdrag/v2) ↔ canonical event data,
// as data: one entry per Handelse, one line per field. inbound.ts reads with it, outbound.ts
// writes with it; a municipality whose export differs changes this table, not the code.
import { EVENT_TYPES, type EventType } from '../../src/canonical/event-types.ts';
import { NAMED_ROLES } from '../../src/canonical/schemas/common.ts';
import type { AttachmentMap, FieldMapBase, ListMapBase } from '../../src/connectors/xml-mapping/map-types.ts';
import type { ValueTable } from '../../src/connectors/xml-mapping/tables.ts';
import type { ValueKind } from '../../src/connectors/xml-mapping/values.ts';

/** How the element text becomes a canonical value; value ranges are the schema's business. */
export type FieldKind = Exclude<ValueKind, 'date'>;

export interface FieldMap extends FieldMapBase<FieldKind> {
  /** A word `values` does not know passes as it is (codes that grow: services). */
  open?: true;
  /** The canonical value when the element is absent but its parent is there. */
  defaultWithParent?: string;
  /** When absent: the value the table gives for another canonical field's value (e.g. a service's name from its code). */
  fallback?: { from: string; values: ValueTable };
  /** Outbound, when `to` is absent: the canonical path written instead (an order from another system has no Treserva decision id). */
  writeElse?: string;
}

/** A person's name, split in Treserva (Fornamn, Efternamn) and whole in the canonical model. */
export interface NameMap {
  given: string;
  family: string;
  to: string;
  rule: string;
}

export interface ListMap extends ListMapBase<FieldMap> {
  names?: NameMap[];
  /** When no element is there: one item whose `name` is this element's text (the receiving group the authority addressed). */
  fallback?: { xml: string; item: Record<string, string | number> };
}

export interface MessageMap {
  handelse: string;
  eventType: EventType;
  rule: string;
  /** out: Treserva receives it but never sends it; inbound reads that Handelse with the other map. */
  direction: 'both' | 'out';
  fields: FieldMap[];
  names?: NameMap[];
  lists?: ListMap[];
  attachment?: AttachmentMap;
}

export const FORMAT_RULE = 'FORMAT-TRESERVA';
export const PERSONNUMMER_RULE = 'FORMAT-PERSONNUMMER';
export const PLACEMENT_RULE = 'R-PLACEMENT-CRITERIA';

/** Treserva's `roll` ↔ Brygga's party roles (ROUTINES "Who is who": uppdragsmottagare is the provider-side coordinator). */
export const ROLES: ValueTable = [
  ['SOCIALSEKRETERARE', 'caseOfficer'],
  ['BISTANDSHANDLAGGARE', 'caseOfficer'],
  ['HANDLAGGARE', 'caseOfficer'],
  ['UPPDRAGSMOTTAGARE', 'coordinator'],
  ['SAMORDNARE', 'coordinator'],
  ['ENHET', 'unit'],
  ['UTFORARE', 'provider'],
  ['INKORG', 'inbox'],
  ['AVGIFTSHANDLAGGARE', 'feeAdministrator'],
  ['SYSTEM', 'system'],
];

/** Treserva's insats codes ↔ the canonical service codes (the canonical model keeps one code per service). */
export const SERVICE_CODES: ValueTable = [['DAGVERKSAMHET', 'DAGV']];
/** A service's name when the file gives only its code. */
export const SERVICE_NAMES: ValueTable = [['DAGV', 'Dagverksamhet']];

const text = (xml: string, to: string, rule: string, required: FieldMap['required'] = true): FieldMap => ({ xml, to, kind: 'text', required, rule });
const integer = (xml: string, to: string, rule: string): FieldMap => ({ xml, to, kind: 'integer', required: true, rule });
const datetime = (xml: string, to: string, rule: string): FieldMap => ({ xml, to, kind: 'datetime', required: true, rule });
const readOnly = (field: FieldMap): FieldMap => ({ ...field, direction: 'in' });

/** The same in every file; the renderer writes its own (Avsandare SYSTEM/brygga, Mottagare the inbox, Tidpunkt the delivery's). */
export const HEADER: readonly FieldMap[] = [
  text('UppdragsId', 'origin.reference', FORMAT_RULE),
  readOnly(datetime('Tidpunkt', 'origin.createdAt', FORMAT_RULE)),
  readOnly({ ...text('Avsandare/@roll', 'origin.sender.role', FORMAT_RULE), values: ROLES }),
  readOnly(text('Avsandare/@anvandarId', 'origin.sender.id', FORMAT_RULE, false)),
  // Only inboxes and units keep their name: a case officer's name is personal data.
  readOnly({ ...text('Avsandare/@namn', 'origin.sender.name', FORMAT_RULE, false), when: { field: 'origin.sender.role', in: NAMED_ROLES } }),
  readOnly({ ...text('Mottagare/@roll', 'origin.recipient.role', FORMAT_RULE, false), values: ROLES, defaultWithParent: 'inbox' }),
  readOnly(text('Mottagare/@anvandarId', 'origin.recipient.id', FORMAT_RULE, false)),
  readOnly({ ...text('Mottagare/@enhet', 'origin.recipient.name', FORMAT_RULE, false), when: { field: 'origin.recipient.role', in: NAMED_ROLES } }),
];

const comment: FieldMap = text('Kommentar', 'note', FORMAT_RULE, false);
const unit = (rule: string): FieldMap[] => [text('Verksamhet', 'unit.name', rule), text('Verksamhet/@id', 'unit.id', rule, false)];
const message = (handelse: string, eventType: EventType, rule: string, fields: FieldMap[], extra: Partial<MessageMap> = {}): MessageMap => ({
  handelse, eventType, rule, direction: 'both', fields, ...extra,
});

// R-ORDER-CONTENT (desired units, next of kin, home-care team, days, orientation) and
// R-PLACEMENT-CRITERIA (city area, language) travel with the order.
const R = 'R-ORDER-CONTENT';
const ORDER_CONTENT: FieldMap[] = [
  { ...text('Stadsomrade', 'cityArea', PLACEMENT_RULE, false) },
  text('Avsandare/@anvandarId', 'caseOfficer.id', R),
  { xml: 'Person/Personnr', to: 'client.personnummer', kind: 'personnummer', required: true, rule: R },
  text('Person/Sprak', 'client.language', PLACEMENT_RULE, false),
  text('Person/Hemtjanstgrupp', 'client.homeCareTeam', R, false),
  { ...text('Beslut/@id', 'decisionId', R), writeElse: 'origin.reference' },
  text('Beslut/@datum', 'decisionDate', R),
  { ...text('Beslut/Insats', 'service.code', R), values: SERVICE_CODES, open: true },
  { ...text('Beslut/Insats/@namn', 'service.name', R), fallback: { from: 'service.code', values: SERVICE_NAMES } },
  text('Beslut/Inriktning', 'orientation', R),
  integer('Beslut/DagarPerVecka', 'daysPerWeek', R),
  text('Beslut/Onskemal', 'note', R, false),
  readOnly(datetime('Tidpunkt', 'registeredAt', R)),
];
const ORDER_NAMES: NameMap[] = [{ given: 'Person/Fornamn', family: 'Person/Efternamn', to: 'client.name', rule: R }];
const ORDER_LISTS: ListMap[] = [
  {
    xml: 'Beslut/OnskadVerksamhet',
    to: 'desiredUnits',
    required: true,
    rule: R,
    items: [text('.', 'name', R), integer('@prio', 'priority', R)],
    // Treserva addresses a new assignment to a city area's receivers, who choose the unit
    // (R-PLACEMENT-CRITERIA): without a wished-for unit, that group is the one desired.
    fallback: { xml: 'Mottagare/@enhet', item: { priority: 1 } },
  },
  {
    xml: 'Anhorig',
    to: 'nextOfKin',
    required: false,
    rule: R,
    items: [text('@relation', 'relation', R, false), text('Telefon', 'phone', R, false)],
    names: [{ given: 'Fornamn', family: 'Efternamn', to: 'name', rule: R }],
  },
];

const PDF = { mimes: ['application/pdf'], signatures: ['255044462d'] } as const; // %PDF-

export const MESSAGES: readonly MessageMap[] = [
  // From the authority (the provider receives them).
  message('NYTT', EVENT_TYPES.orderPlaced, R, ORDER_CONTENT, { names: ORDER_NAMES, lists: ORDER_LISTS }),
  message('ANDRAT', EVENT_TYPES.orderFollowUp, 'R-ORDER-CENTRAL-INBOX', ORDER_CONTENT, { names: ORDER_NAMES, lists: ORDER_LISTS }),
  message('AVSLUTAT', EVENT_TYPES.orderClosed, 'R-END', [text('Slutdatum', 'endDate', 'R-END'), comment]),
  // From the receiving side (the case officer receives them).
  message('BEKRAFTAT', EVENT_TYPES.startConfirmed, 'R-CONFIRM-START', [
    ...unit('R-CONFIRM-START'),
    text('Startdatum', 'startDate', 'R-CONFIRM-START'),
    integer('DagarPerVecka', 'daysPerWeek', 'R-CONFIRM-START'),
    comment,
  ]),
  message('VERKSTALLT', EVENT_TYPES.orderExecuted, 'R-EXECUTE-ON-START', [...unit('R-EXECUTE-ON-START'), text('Datum', 'date', 'R-EXECUTE-ON-START'), comment]),
  message('EJ_VERKSTALLT', EVENT_TYPES.orderNotStarted, 'R-NOT-STARTED', [text('Orsak', 'reason', 'R-NOT-STARTED'), comment]),
  message('GENOMFORANDEPLAN', EVENT_TYPES.planSubmitted, 'R-PLAN-15AD', [datetime('Upprattad', 'drawnUpAt', 'R-PLAN-15AD'), comment], {
    attachment: { xml: 'Bilaga', to: 'attachment', required: true, rule: 'R-PLAN-15AD', ...PDF },
  }),
  // An acknowledgement that reached Brygga another way (Paraply Kvittens, a fax reply recorded
  // by the fee administrator, R-ORDER-FAX-FALLBACK), for a case officer in Treserva.
  message('BEKRAFTAT', EVENT_TYPES.orderAcknowledged, 'R-KVITTENS-3VD', [
    datetime('Mottagen', 'acknowledgedAt', 'R-KVITTENS-3VD'),
    text('Startdatum', 'startDate', 'R-KVITTENS-3VD', false),
    { ...text('BekraftadAv/@roll', 'confirmedBy.role', 'R-KVITTENS-3VD'), values: ROLES },
    text('BekraftadAv/@anvandarId', 'confirmedBy.id', 'R-KVITTENS-3VD', false),
    { xml: 'BekraftadAv/@ombud', to: 'confirmedBy.proxy', kind: 'boolean', required: true, rule: 'R-ORDER-FAX-FALLBACK' },
    comment,
  ], { direction: 'out' }),
];

/** The map a Treserva file with this Handelse is read with. */
export function inboundMapOf(handelse: string): MessageMap | undefined {
  return MESSAGES.find((m) => m.handelse === handelse && m.direction === 'both');
}

/** The map an event of this type is written with, if Treserva has a Handelse for it. */
export function outboundMapOf(type: EventType): MessageMap | undefined {
  return MESSAGES.find((m) => m.eventType === type);
}
