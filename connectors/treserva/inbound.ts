// Treserva → canonical: one <Uppdrag> file becomes its canonical event, read with the mapping
// table. Every failing field is collected and reported at once, by path and rule, never by
// value (the values are personal data).
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { orderIdOf } from '../../src/canonical/references.ts';
import { elementAt, parseXmlDocument, type XmlElement } from '../../src/canonical/xml-input.ts';
import type { ParseContext } from '../../src/connectors/connector.ts';
import { addClientId, canonicalEvent } from '../../src/connectors/xml-mapping/event.ts';
import { DERIVED, elementOf, schemaFindings } from '../../src/connectors/xml-mapping/findings.ts';
import { listElements, locate } from '../../src/connectors/xml-mapping/locate.ts';
import { attachmentElements } from '../../src/connectors/xml-mapping/map-types.ts';
import { getPath, setPath } from '../../src/connectors/xml-mapping/paths.ts';
import { DocumentReader } from '../../src/connectors/xml-mapping/reader.ts';
import { toCanonical } from '../../src/connectors/xml-mapping/tables.ts';
import { localDate } from '../../src/connectors/xml-mapping/values.ts';
import { BryggaError, type FieldProblem } from '../../src/errors.ts';
import { FORMAT_RULE, HEADER, MESSAGES, PERSONNUMMER_RULE, inboundMapOf, type FieldMap, type ListMap, type MessageMap, type NameMap } from './mapping.ts';
import { joinName, readValue } from './values.ts';

export const SOURCE = '/connectors/treserva';

/** Attachments (Bilaga) are base64 text: taken whole rather than parsed, for speed. */
const RAW_ELEMENTS = attachmentElements(MESSAGES);

class Reader extends DocumentReader {
  constructor(
    private readonly root: XmlElement,
    private readonly today: string,
  ) {
    super(PERSONNUMMER_RULE);
  }

  field(field: FieldMap, scope: XmlElement = this.root, at = '', into = ''): void {
    if (!this.holds(field.when)) return;
    const to = into + field.to;
    const where = at + field.xml;
    const found = locate(scope, field.xml);
    if (found.value === undefined) {
      if (field.defaultWithParent !== undefined && found.parentPresent) return this.set(to, field.defaultWithParent, where);
      const fallback = field.fallback && toCanonical(field.fallback.values, String(getPath(this.data, into + field.fallback.from)));
      if (fallback !== undefined) return this.set(to, fallback, where);
      if (field.required === true || (field.required === 'withParent' && found.parentPresent)) this.missing(where, to, field.rule);
      return;
    }
    if (found.repeated) return this.invalid(where, to, field.rule, 'may appear only once');
    let raw = found.value;
    if (field.values) {
      const word = toCanonical(field.values, raw);
      if (word === undefined && !field.open) {
        return this.invalid(where, to, field.rule, `must be one of ${[...new Set(field.values.map(([n]) => n))].join(', ')}`);
      }
      raw = word ?? raw;
    }
    const converted = this.accepted(readValue(field.kind, raw, this.today), where, to, field.rule);
    if (converted) this.set(to, converted.value, where);
  }

  /** Fornamn and Efternamn → one name; Efternamn is required, a lone Fornamn is not a name. */
  name(name: NameMap, scope: XmlElement = this.root, at = '', into = ''): void {
    const to = into + name.to;
    const given = locate(scope, name.given);
    const family = locate(scope, name.family);
    if (given.repeated) this.invalid(at + name.given, to, name.rule, 'may appear only once');
    if (family.repeated) return this.invalid(at + name.family, to, name.rule, 'may appear only once');
    if (family.value === undefined) return this.missing(at + name.family, to, name.rule);
    this.set(to, joinName(given.value, family.value), at + name.family);
  }

  list(list: ListMap): void {
    const items = listElements(this.root, list.xml);
    if (items.length === 0) {
      const fallback = list.fallback && locate(this.root, list.fallback.xml).value;
      if (fallback !== undefined) {
        setPath(this.data, list.to, [{ name: fallback, ...list.fallback!.item }]);
        this.sources.set(list.to, list.fallback!.xml);
      } else if (list.required) {
        this.missing(list.xml, list.to, list.rule);
      }
      return;
    }
    setPath(this.data, list.to, items.map(() => ({})));
    items.forEach((item, i) => {
      const at = `${list.xml}[${i + 1}]/`;
      const into = `${list.to}.${i}.`;
      for (const name of list.names ?? []) this.name(name, item, at, into);
      for (const field of list.items) this.field(field, item, at, into);
    });
    this.sources.set(list.to, list.xml);
  }
}

/** The element a canonical path would have been read from, by the map. */
function mappedElement(map: MessageMap, to: string): string | undefined {
  const field = [...HEADER, ...map.fields].find((f) => f.to === to);
  if (field) return field.xml;
  const name = map.names?.find((n) => n.to === to);
  if (name) return name.family;
  const list = map.lists?.find((l) => l.to === to);
  if (list) return list.xml;
  if (map.attachment && to.startsWith(map.attachment.to)) return map.attachment.xml;
  return undefined;
}

function refuse(summary: string, problems: FieldProblem[]): BryggaError {
  return new BryggaError('BRY_INVALID_MESSAGE', summary, problems);
}

/** A name from the document, shown only when it cannot carry personal data. */
const shown = (value: string): string => (/^[A-Za-z_][A-Za-z0-9_.-]{0,40}$/.test(value) ? ` ${value}` : '');

/**
 * Reads one Treserva file. Throws a BryggaError: the XML codes of xml-input.ts,
 * BRY_UNKNOWN_MESSAGE_TYPE, or BRY_INVALID_MESSAGE with every failing field.
 */
export function parseTreservaFile(body: Buffer, contentType: string | undefined, ctx: ParseContext): CloudEvent[] {
  const root = parseXmlDocument(body, { contentType, maxBytes: ctx.maxBytes, rawElements: RAW_ELEMENTS });
  if (root.name !== 'Uppdrag') {
    throw refuse(`not a Treserva file: the root element is${shown(root.name)} not Uppdrag`, [
      { code: 'BRY_MISSING_FIELD', field: 'Uppdrag', rule: FORMAT_RULE, detail: `not a Treserva Uppdrag (http://schemas.cgi.se/treserva/uppdrag/v2): the root element is${shown(root.name) || ' another'}` },
    ]);
  }
  const handelse = elementAt(root, 'Handelse')?.text;
  if (!handelse) {
    throw refuse('Treserva file without Handelse', [{ code: 'BRY_MISSING_FIELD', field: 'Handelse', rule: FORMAT_RULE, detail: 'required element is missing' }]);
  }
  const map = inboundMapOf(handelse);
  if (!map) {
    const word = /^[A-Z_]{1,40}$/.test(handelse) ? ` ${handelse}` : '';
    throw new BryggaError('BRY_UNKNOWN_MESSAGE_TYPE', `Treserva Handelse${word} is not one this connector reads`);
  }

  const reader = new Reader(root, localDate(ctx.receivedAt));
  for (const field of [...HEADER, ...map.fields]) reader.field(field);
  for (const name of map.names ?? []) reader.name(name);
  for (const list of map.lists ?? []) reader.list(list);
  if (map.attachment) reader.attachment(root, map.attachment);

  const data = reader.data;
  setPath(data, 'origin.system', 'treserva');
  const reference = getPath(data, 'origin.reference');
  const createdAt = getPath(data, 'origin.createdAt');
  let subject: string | undefined;
  if (typeof reference === 'string') {
    subject = orderIdOf('treserva', reference);
    data.orderId = subject;
    // Treserva has no message id: UppdragsId, Handelse and Tidpunkt name one file's message.
    if (typeof createdAt === 'string') setPath(data, 'origin.messageId', `${reference}:${handelse}:${createdAt}`);
  }
  addClientId(data, ctx.pseudonymKey);
  schemaFindings(map.eventType, reader, {
    // Made of UppdragsId, Handelse and Tidpunkt: missing only when one of them was reported.
    sourceOf: (to) => (to === 'origin.messageId' ? undefined : (DERIVED[to] ?? to)),
    explain: (source) => {
      const field = elementOf(reader, source, (to) => mappedElement(map, to));
      return field ? { field, rule: [...HEADER, ...map.fields].find((f) => f.to === source)?.rule ?? map.rule } : undefined;
    },
  });

  const refusal = reader.refusal(`Treserva ${handelse}`, subject);
  if (refusal) throw refusal;
  // The origin leads with what names the message, then the parties.
  const { system, messageId, reference: ref, createdAt: created, ...party } = data.origin as Record<string, unknown>;
  data.origin = { system, messageId, reference: ref, createdAt: created, ...party };
  const event = canonicalEvent({ system: 'treserva', source: SOURCE, type: map.eventType, subject: subject!, data });
  return [event];
}
