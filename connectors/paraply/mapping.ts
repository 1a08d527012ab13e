// Paraplysystemet (SOAP 1.1, urn:stockholm:paraply:bestallning:v1) ↔ canonical event data, as
// data: one entry per SOAP operation, one line per field. inbound.ts reads with it, outbound.ts
// writes with it; a municipality whose export differs changes this table, not the code.
import { EVENT_TYPES, type EventType } from '../../src/canonical/event-types.ts';
import type { PartyRole } from '../../src/canonical/schemas/common.ts';

export const NAMESPACE = 'urn:stockholm:paraply:bestallning:v1';
export const SOAP_ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const FORMAT_RULE = 'FORMAT-PARAPLY';
export const PERSONNUMMER_RULE = 'FORMAT-PERSONNUMMER';

/** How the text becomes a canonical value; ranges and enums are the canonical schema's business. */
export type FieldKind = 'text' | 'integer' | 'date' | 'datetime' | 'personnummer' | 'boolean' | { table: keyof typeof TABLES };

export interface FieldMap {
  /**
   * Where the value is: below the operation element (`Brukare/@pnr`), or below the SOAP
   * envelope when it starts with `Header/`. A last step `@name` is an attribute, `.` the text.
   */
  xml: string;
  /** Dotted path in the event's `data`. */
  to: string;
  kind: FieldKind;
  /** true: must be there; `{ when }`: must be there when another field has one of the values. */
  required: boolean | { when: { field: string; in: readonly unknown[] } };
  /** The routine or format rule a missing or bad value breaks. */
  rule: string;
  /** Read from here when `xml` is absent. */
  alsoFrom?: string;
  /** 'in': read only (outbound writes it otherwise, or not at all). */
  direction?: 'in';
}

export interface InboundOperation {
  /** The element in soapenv:Body, and the WSDL operation. */
  operation: string;
  eventType: EventType;
  rule: string;
  fields: FieldMap[];
  /** Values every event of this operation carries. */
  constants: Record<string, unknown>;
  /** Values copied from a field read before (to ← from), after reading. */
  copies?: Record<string, string>;
}

/** Value tables: Paraply's code → canonical value. A new code is a new row. */
export const TABLES = {
  /** Insats/@typ → service.name (service.code keeps Paraply's code). */
  serviceName: { DAGVERKSAMHET: 'Dagverksamhet' },
} as const;

/** Paraply's role words (RegistreradAv/@roll; the parties of its operations) → Brygga's party roles. */
export const ROLES = {
  HANDLAGGARE: 'caseOfficer',
  ENHET: 'unit',
  INKORG: 'inbox',
  SAMORDNARE: 'coordinator',
  AVGIFTSHANDLAGGARE: 'feeAdministrator',
  UTFORARE: 'provider',
  SYSTEM: 'system',
} as const satisfies Record<string, PartyRole>;

const text = (xml: string, to: string, rule: string, required: FieldMap['required'] = true): FieldMap => ({ xml, to, kind: 'text', required, rule });

/** SOAP Header/Meddelandeinfo: the message id (Paraply's idempotency key) and when it was sent. */
const HEADER: FieldMap[] = [
  text('Header/Meddelandeinfo/Id', 'origin.messageId', FORMAT_RULE),
  { xml: 'Header/Meddelandeinfo/Skickad', to: 'origin.createdAt', kind: 'datetime', required: true, rule: FORMAT_RULE },
];

const R = 'R-ORDER-CONTENT';
const W = 'R-ORDER-WRITTEN';
const FAX = 'R-ORDER-FAX-FALLBACK';

export const INBOUND: readonly InboundOperation[] = [
  {
    operation: 'Bestallning',
    eventType: EVENT_TYPES.orderPlaced,
    rule: R,
    fields: [
      ...HEADER,
      text('BestallningsId', 'origin.reference', R),
      { xml: 'Registrerad', to: 'registeredAt', kind: 'datetime', required: true, rule: W },
      text('Stadsdel', 'cityArea', 'R-PLACEMENT-CRITERIA', false),
      text('Handlaggare/@id', 'caseOfficer.id', R),
      text('Utforare/@id', 'provider.id', R),
      text('Utforare/@namn', 'provider.name', R),
      text('Utforare/@orgnr', 'provider.orgNumber', R, false),
      { xml: 'Utforare/@ansluten', to: 'provider.connected', kind: 'boolean', required: false, rule: FAX },
      text('Utforare/@fax', 'provider.fax', FAX, false),
      text('Utforare/@epost', 'provider.email', FAX, false),
      { xml: 'Brukare/@pnr', to: 'client.personnummer', kind: 'personnummer', required: true, rule: R },
      text('Brukare/@namn', 'client.name', R),
      text('Insats/@typ', 'service.code', R),
      { xml: 'Insats/@typ', to: 'service.name', kind: { table: 'serviceName' }, required: true, rule: R, direction: 'in' },
      { xml: 'Insats/@beslutsdatum', to: 'decisionDate', kind: 'date', required: true, rule: R },
      { xml: 'Insats/@dagarPerVecka', to: 'daysPerWeek', kind: 'integer', required: true, rule: R },
      text('Insats/@inriktning', 'orientation', R),
      { xml: 'Muntlig', to: 'verbalOrder.given', kind: 'boolean', required: false, rule: W, alsoFrom: '@muntlig' },
      { xml: 'MuntligDatum', to: 'verbalOrder.date', kind: 'date', required: { when: { field: 'verbalOrder.given', in: [true] } }, rule: W },
      text('Kommentar', 'note', R, false),
    ],
    // The case officer (handläggare) sends it to one provider (utförare), who is the order's one desired unit.
    constants: { 'origin.system': 'paraply', 'origin.sender.role': ROLES.HANDLAGGARE, 'origin.recipient.role': ROLES.UTFORARE, 'desiredUnits.0.priority': 1 },
    copies: { 'origin.sender.id': 'caseOfficer.id', 'origin.recipient.id': 'provider.id', 'origin.recipient.name': 'provider.name', 'desiredUnits.0.name': 'provider.name' },
  },
  {
    operation: 'Avslut',
    eventType: EVENT_TYPES.orderClosed,
    rule: 'R-END',
    fields: [
      ...HEADER,
      text('BestallningsId', 'origin.reference', 'R-END'),
      { xml: 'Slutdatum', to: 'endDate', kind: 'date', required: true, rule: 'R-END' },
      text('Handlaggare/@id', 'origin.sender.id', 'R-END', false),
      text('Kommentar', 'note', 'R-END', false),
    ],
    constants: { 'origin.system': 'paraply', 'origin.sender.role': ROLES.HANDLAGGARE },
  },
];

export interface OutboundField {
  /** Path below the operation element; `@x` an attribute, `.` the element's text. */
  xml: string;
  /** Canonical paths tried in turn; the first with a value is written. */
  from: readonly string[];
  kind: 'text' | 'boolean';
  /** Paraply's words for the canonical values (word → value): the word whose value it is is written. */
  values?: Readonly<Record<string, string>>;
  required: boolean;
  /** Written only when another canonical field has one of these values. */
  when?: { field: string; in: readonly string[] };
}

export interface OutboundOperation {
  operation: string;
  /** The canonical events this operation carries. */
  eventTypes: readonly EventType[];
  rule: string;
  fields: OutboundField[];
  /** Fixed values, written after the fields (path below the operation element → text). */
  constants?: Record<string, string>;
}

const out = (xml: string, from: string | readonly string[], required = true, kind: OutboundField['kind'] = 'text'): OutboundField => ({
  xml,
  from: typeof from === 'string' ? [from] : from,
  kind,
  required,
});

// Paraply's UtforareId: the order's provider when the event names it, else the sender when the
// sender is the provider or one of its units (a fee administrator recording it is not).
const utforareId: OutboundField[] = [
  out('UtforareId', ['provider.id', 'unit.id'], false),
  { ...out('UtforareId', 'origin.sender.id', false), when: { field: 'origin.sender.role', in: [ROLES.UTFORARE, ROLES.ENHET] } },
];

export const OUTBOUND: readonly OutboundOperation[] = [
  {
    // The provider's acknowledgement: received (Mottagen) and started (Paborjad) (R-KVITTENS-3VD).
    operation: 'Kvittens',
    eventTypes: [EVENT_TYPES.orderAcknowledged],
    rule: 'R-KVITTENS-3VD',
    fields: [
      out('BestallningsId', 'origin.reference'),
      ...utforareId,
      out('Mottagen', 'acknowledgedAt'),
      out('Paborjad', 'startDate', false),
      { ...out('RegistreradAv/@roll', 'confirmedBy.role'), values: ROLES },
      out('RegistreradAv/@id', 'confirmedBy.id', false),
      out('RegistreradAv/@ombud', 'confirmedBy.proxy', true, 'boolean'),
    ],
  },
  {
    // A confirmed start is the kvittens too (it meets the kvittens deadline, R-CONFIRM-START).
    operation: 'Kvittens',
    eventTypes: [EVENT_TYPES.startConfirmed],
    rule: 'R-CONFIRM-START',
    fields: [
      out('BestallningsId', 'origin.reference'),
      ...utforareId,
      out('Mottagen', 'origin.createdAt'),
      out('Paborjad', 'startDate'),
      { ...out('RegistreradAv/@roll', 'origin.sender.role'), values: ROLES },
    ],
    constants: { 'RegistreradAv/@ombud': 'false' },
  },
  {
    operation: 'Genomforandeplan',
    eventTypes: [EVENT_TYPES.planSubmitted],
    rule: 'R-PLAN-15AD',
    fields: [
      out('BestallningsId', 'origin.reference'),
      ...utforareId,
      out('Upprattad', 'drawnUpAt'),
      out('Dokument/@namn', 'attachment.name'),
      out('Dokument/@mime', 'attachment.mime'),
      out('Dokument/.', 'attachment.contentBase64'),
    ],
  },
];

export const inboundOperationOf = (operation: string): InboundOperation | undefined => INBOUND.find((o) => o.operation === operation);
export const outboundOperationOf = (eventType: string): OutboundOperation | undefined => OUTBOUND.find((o) => o.eventTypes.includes(eventType as EventType));
