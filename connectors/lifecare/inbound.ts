// Lifecare → canonical: one posted <Meddelande> becomes its canonical event, read with the
// mapping table. Every failing field is collected and reported at once, by path and rule,
// never by value (the values are personal data).
import { createHash } from 'node:crypto';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { orderIdOf } from '../../src/canonical/references.ts';
import { elementAt, parseXmlDocument, type XmlElement } from '../../src/canonical/xml-input.ts';
import type { ParseContext } from '../../src/connectors/connector.ts';
import { addClientId, canonicalEvent } from '../../src/connectors/xml-mapping/event.ts';
import { elementOf, schemaFindings } from '../../src/connectors/xml-mapping/findings.ts';
import { listElements, locate } from '../../src/connectors/xml-mapping/locate.ts';
import { attachmentElements } from '../../src/connectors/xml-mapping/map-types.ts';
import { getPath, setPath } from '../../src/connectors/xml-mapping/paths.ts';
import { DocumentReader } from '../../src/connectors/xml-mapping/reader.ts';
import { toCanonical } from '../../src/connectors/xml-mapping/tables.ts';
import { localDate, readValue } from '../../src/connectors/xml-mapping/values.ts';
import { BryggaError, type FieldProblem } from '../../src/errors.ts';
import { FORMAT_RULE, HEADER, MESSAGES, PERSONNUMMER_RULE, inboundMapOf, type FieldMap, type ListMap, type MessageMap } from './mapping.ts';

export const SOURCE = '/connectors/lifecare';

/** Attachments (Bilaga) are base64 text: taken whole rather than parsed, for speed. */
const RAW_ELEMENTS = attachmentElements(MESSAGES);

class Reader extends DocumentReader {
  constructor(
    private readonly root: XmlElement,
    private readonly today: string,
  ) {
    super(PERSONNUMMER_RULE);
  }

  /** Reads one field below `scope`; `at` and `into` prefix the reported path and the data path. */
  field(field: FieldMap, scope: XmlElement = this.root, at = '', into = ''): void {
    if (!this.holds(field.when)) return;
    const to = into + field.to;
    let xml = field.xml;
    let found = locate(scope, xml);
    if (found.value === undefined && field.alsoFrom && this.holds(field.alsoFrom.when)) {
      xml = field.alsoFrom.xml;
      found = locate(scope, xml);
    }
    const where = at + xml;
    if (found.value === undefined) {
      if (field.required === true || (field.required === 'withParent' && found.parentPresent)) this.missing(where, to, field.rule);
      return;
    }
    if (found.repeated) return this.invalid(where, to, field.rule, 'may appear only once');
    const converted = this.accepted(readValue(field.kind, found.value, this.today), where, to, field.rule);
    if (!converted) return;
    let value = converted.value;
    if (field.values) {
      value = toCanonical(field.values, String(value));
      if (value === undefined) return this.invalid(where, to, field.rule, `must be one of ${field.values.map(([n]) => n).join(', ')}`);
    }
    this.set(to, value, where);
  }

  list(list: ListMap): void {
    const items = listElements(this.root, list.xml);
    if (items.length === 0) {
      if (list.required) this.missing(list.xml, list.to, list.rule);
      return;
    }
    setPath(this.data, list.to, items.map(() => ({})));
    items.forEach((item, i) => {
      for (const field of list.items) this.field(field, item, `${list.xml}[${i + 1}]/`, `${list.to}.${i}.`);
    });
    this.sources.set(list.to, list.xml);
  }

  /** R-ABSENCE and others: an end may not come before its start. */
  notBefore(field: FieldMap): void {
    if (!field.notBefore) return;
    const end = getPath(this.data, field.to);
    const start = getPath(this.data, field.notBefore);
    if (typeof end === 'string' && typeof start === 'string' && Date.parse(end) < Date.parse(start)) {
      const other = this.sources.get(field.notBefore) ?? field.notBefore;
      this.invalid(this.sources.get(field.to) ?? field.xml, field.to, field.rule, `may not be earlier than ${other}`);
    }
  }
}

/** The element a canonical path would have been read from, by the map. */
function mappedElement(map: MessageMap, to: string): string | undefined {
  const field = [...HEADER, ...map.fields].find((f) => f.to === to);
  if (field) return field.alsoFrom?.xml ?? field.xml;
  const list = map.lists?.find((l) => l.to === to);
  if (list) return list.xml;
  if (map.attachment && to.startsWith(map.attachment.to)) return map.attachment.xml;
  return undefined;
}

/**
 * `unit:<slug>:<month>`: the subject of a unit's monthly report. The unit name is free text, and
 * the subject is logged and shown: a name holding a long run of digits (a personnummer typed in
 * the wrong field) becomes `u-<hash>` instead, so it never travels as an id.
 */
export function unitReportId(unitName: string, month: string): string {
  const slug = unitName.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const safe = /\d{6}/.test(slug) ? `u-${createHash('sha256').update(slug).digest('hex').slice(0, 12)}` : slug;
  return `unit:${safe}:${month}`;
}

/** Documents of the other systems, recognised by their root element, so the sender is told plainly. */
const OTHER_SYSTEMS: Record<string, string> = {
  Uppdrag: 'a Treserva Uppdrag (Treserva exchanges files through its file exchange)',
  Envelope: 'a SOAP envelope (Paraplysystemet posts to /connectors/paraply/soap)',
};

function notLifecare(rootName: string): BryggaError {
  const what = OTHER_SYSTEMS[rootName] ?? 'a document whose root element is not Meddelande';
  return new BryggaError('BRY_NOT_THIS_SYSTEM', `this is ${what}, not a Lifecare message: Lifecare posts <Meddelande> documents here`, [
    { code: 'BRY_NOT_THIS_SYSTEM', field: '(root)', rule: FORMAT_RULE, detail: 'the root element must be Meddelande' },
  ]);
}

function refuse(summary: string, problems: FieldProblem[]): BryggaError {
  return new BryggaError('BRY_INVALID_MESSAGE', summary, problems);
}

/**
 * Reads one Lifecare message. Throws a BryggaError: the XML codes of xml-input.ts,
 * BRY_UNKNOWN_MESSAGE_TYPE, or BRY_INVALID_MESSAGE with every failing field.
 */
export function parseLifecareMessage(
  body: Buffer,
  contentType: string | undefined,
  ctx: ParseContext,
): CloudEvent[] {
  const root = parseXmlDocument(body, { contentType, maxBytes: ctx.maxBytes, rawElements: RAW_ELEMENTS });
  if (root.name !== 'Meddelande') throw notLifecare(root.name);
  if (!elementAt(root, 'Huvud')) {
    throw refuse('Lifecare message without Huvud', [{ code: 'BRY_MISSING_FIELD', field: 'Huvud', rule: FORMAT_RULE, detail: 'required element is missing' }]);
  }
  const typ = elementAt(root, 'Huvud/Typ')?.text;
  if (!typ) {
    throw refuse('Lifecare message without Typ', [{ code: 'BRY_MISSING_FIELD', field: 'Huvud/Typ', rule: FORMAT_RULE, detail: 'required element is missing' }]);
  }
  const map = inboundMapOf(typ);
  if (!map) {
    const shown = /^[A-Z_]{1,40}$/.test(typ) ? ` ${typ}` : '';
    throw new BryggaError('BRY_UNKNOWN_MESSAGE_TYPE', `Lifecare message type${shown} is not one this connector reads`);
  }

  const reader = new Reader(root, localDate(ctx.receivedAt));
  for (const field of [...HEADER, ...map.fields]) reader.field(field);
  for (const list of map.lists ?? []) reader.list(list);
  if (map.attachment) reader.attachment(root, map.attachment);
  for (const field of map.fields) reader.notBefore(field);

  const data = reader.data;
  setPath(data, 'origin.system', 'lifecare');
  let subject: string | undefined;
  if (map.scope === 'order' && typeof getPath(data, 'origin.reference') === 'string') {
    subject = orderIdOf('lifecare', getPath(data, 'origin.reference') as string);
    data.orderId = subject;
  }
  if (map.scope === 'unitReport' && typeof getPath(data, 'unit.name') === 'string' && typeof data.month === 'string') {
    subject = unitReportId(getPath(data, 'unit.name') as string, data.month);
    setPath(data, 'origin.reference', subject);
  }
  addClientId(data, ctx.pseudonymKey);
  schemaFindings(map.eventType, reader, {
    explain: (source) => {
      const field = elementOf(reader, source, (to) => mappedElement(map, to));
      return field ? { field, rule: [...HEADER, ...map.fields].find((f) => f.to === source)?.rule ?? map.rule } : undefined;
    },
  });

  const refusal = reader.refusal(`Lifecare ${typ}`, subject);
  if (refusal) throw refusal;
  const event = canonicalEvent({ system: 'lifecare', source: SOURCE, type: map.eventType, subject: subject!, data });
  return [event];
}
