// Lifecare → canonical: one posted <Meddelande> becomes its canonical event, read with the
// mapping table. Every failing field is collected and reported at once, by path and rule,
// never by value (the values are personal data).
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { orderIdFor, stableId, type CloudEvent } from '../../src/canonical/envelope.ts';
import { clientIdFor } from '../../src/canonical/pseudonym.ts';
import { dataProblems, validateEvent } from '../../src/canonical/validate.ts';
import { childrenNamed, elementAt, parseXmlDocument, type XmlElement } from '../../src/canonical/xml-input.ts';
import { BryggaError, type FieldProblem } from '../../src/errors.ts';
import {
  FORMAT_RULE, HEADER, MESSAGES, PERSONNUMMER_RULE, inboundMapOf, type AttachmentMap, type Condition, type FieldMap, type ListMap, type MessageMap,
} from './mapping.ts';
import { ZONE, getPath, readValue, setPath } from './values.ts';

export const SOURCE = '/connectors/lifecare';

/** Attachments (Bilaga) are base64 text: taken whole rather than parsed, for speed. */
const RAW_ELEMENTS = [...new Set(MESSAGES.flatMap((m) => (m.attachment ? [m.attachment.xml.split('/').pop()!] : [])))];

export interface InboundContext {
  /** When Brygga received the message, epoch ms: the "today" of personnummer centuries. */
  receivedAt: number;
  /** Key of the HMAC that turns a personnummer into the client id. */
  pseudonymKey: string;
  /** Largest body accepted, attachments included. */
  maxBytes: number;
}

/** A problem and the canonical path it concerns (to keep schema findings from repeating it). */
type Located = FieldProblem & { to: string };

/** Canonical paths computed from another field: their problems are that field's problems. */
const DERIVED: Record<string, string> = {
  orderId: 'origin.reference',
  clientId: 'client.personnummer',
  'client.clientId': 'client.personnummer',
};

class Reader {
  readonly data: Record<string, unknown> = {};
  readonly problems: Located[] = [];
  /** Where each canonical value was read from, for reporting schema findings by element. */
  readonly sources = new Map<string, string>();

  constructor(
    private readonly root: XmlElement,
    private readonly today: string,
  ) {}

  missing(field: string, to: string, rule: string): void {
    const what = field.split('/').pop()!.startsWith('@') ? 'attribute' : 'element';
    this.problems.push({ code: 'BRY_MISSING_FIELD', field, rule, detail: `required ${what} is missing`, to });
  }

  invalid(field: string, to: string, rule: string, detail: string, code: FieldProblem['code'] = 'BRY_INVALID_FIELD'): void {
    this.problems.push({ code, field, rule, detail, to });
  }

  holds(condition: Condition | undefined): boolean {
    return !condition || condition.in.includes(String(getPath(this.data, condition.field)));
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
    const converted = readValue(field.kind, found.value, this.today);
    if (!converted.ok) {
      return this.invalid(where, to, converted.personnummer ? PERSONNUMMER_RULE : field.rule, converted.detail, converted.code);
    }
    setPath(this.data, to, converted.value);
    this.sources.set(to, where);
  }

  list(list: ListMap): void {
    const slash = list.xml.lastIndexOf('/');
    const parent = slash < 0 ? this.root : elementAt(this.root, list.xml.slice(0, slash));
    const items = parent ? childrenNamed(parent, list.xml.slice(slash + 1)) : [];
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

  /** A Bilaga: namn and mime attributes, base64 content, checked to be the kind of file it claims. */
  attachment(spec: AttachmentMap): void {
    const element = elementAt(this.root, spec.xml);
    if (!element) {
      if (spec.required) this.missing(spec.xml, spec.to, spec.rule);
      return;
    }
    const name = element.attributes.namn;
    const mime = element.attributes.mime?.toLowerCase();
    const content = element.text.replace(/\s+/g, '');
    if (!name) this.missing(`${spec.xml}/@namn`, `${spec.to}.name`, spec.rule);
    if (!mime) this.missing(`${spec.xml}/@mime`, `${spec.to}.mime`, spec.rule);
    else if (!spec.mimes.includes(mime)) this.invalid(`${spec.xml}/@mime`, `${spec.to}.mime`, spec.rule, `must be one of ${spec.mimes.join(', ')}`);
    if (!content) return this.invalid(spec.xml, `${spec.to}.contentBase64`, spec.rule, 'the attachment is empty');
    if (content.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(content)) {
      return this.invalid(spec.xml, `${spec.to}.contentBase64`, spec.rule, 'the content is not base64');
    }
    const bytes = Buffer.from(content, 'base64');
    const head = bytes.subarray(0, 16).toString('hex');
    if (!spec.signatures.some((signature) => head.startsWith(signature))) {
      return this.invalid(spec.xml, `${spec.to}.contentBase64`, spec.rule, `the content does not match its type (${spec.mimes.join(', ')})`);
    }
    if (!name || !mime || !spec.mimes.includes(mime)) return;
    setPath(this.data, spec.to, {
      name,
      mime,
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      contentBase64: content,
    });
    this.sources.set(spec.to, spec.xml);
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

/** Finds the text at a mapping path: `A/B` element text, `A/@x` attribute, `.` the scope's own text. */
function locate(scope: XmlElement, path: string): { value?: string; parentPresent: boolean; repeated?: boolean } {
  const steps = path.split('/');
  const last = steps.pop()!;
  if (last === '.') return { value: scope.text || undefined, parentPresent: true };
  const parent = steps.length > 0 ? elementAt(scope, steps.join('/')) : scope;
  if (!parent) return { parentPresent: false };
  if (last.startsWith('@')) return { value: parent.attributes[last.slice(1)] || undefined, parentPresent: true };
  const found = childrenNamed(parent, last);
  return { value: found[0]?.text || undefined, parentPresent: true, repeated: found.length > 1 };
}

const related = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/** The element a canonical path was (or would have been) read from. */
function xmlOf(map: MessageMap, reader: Reader, to: string): string | undefined {
  const known = reader.sources.get(to);
  if (known) return known;
  const field = [...HEADER, ...map.fields].find((f) => f.to === to);
  if (field) return field.alsoFrom?.xml ?? field.xml;
  const list = map.lists?.find((l) => l.to === to);
  if (list) return list.xml;
  if (map.attachment && to.startsWith(map.attachment.to)) return map.attachment.xml;
  const parent = to.includes('.') ? to.slice(0, to.lastIndexOf('.')) : undefined;
  return parent ? xmlOf(map, reader, parent) : undefined;
}

/** Adds the schema's findings (ranges, enums, formats) that the mapping has not reported already. */
function schemaFindings(map: MessageMap, reader: Reader): void {
  const known = reader.problems.map((p) => p.to);
  for (const finding of dataProblems(map.eventType, reader.data)) {
    const to = finding.path.slice(1).replaceAll('/', '.');
    const source = DERIVED[to] ?? to;
    if (known.some((k) => related(k, source))) continue;
    const field = xmlOf(map, reader, source);
    // A finding no element explains is Brygga's bug: validateEvent reports it as such.
    if (!field) continue;
    const rule = [...HEADER, ...map.fields].find((f) => f.to === source)?.rule ?? map.rule;
    const code = finding.keyword === 'required' || finding.keyword === 'minItems' ? 'BRY_MISSING_FIELD' : 'BRY_INVALID_FIELD';
    reader.problems.push({ code, field, rule, detail: finding.message, to: source });
    known.push(source);
  }
}

/** `unit:<slug>:<month>`: the subject of a unit's monthly report. */
export function unitReportId(unitName: string, month: string): string {
  const slug = unitName.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `unit:${slug}:${month}`;
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
  ctx: InboundContext,
): CloudEvent[] {
  const root = parseXmlDocument(body, { contentType, maxBytes: ctx.maxBytes, rawElements: RAW_ELEMENTS });
  if (root.name !== 'Meddelande') {
    throw refuse('not a Lifecare message', [{ code: 'BRY_MISSING_FIELD', field: 'Meddelande', rule: FORMAT_RULE, detail: 'the root element must be Meddelande' }]);
  }
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

  const today = DateTime.fromMillis(ctx.receivedAt, { zone: ZONE }).toISODate()!;
  const reader = new Reader(root, today);
  for (const field of [...HEADER, ...map.fields]) reader.field(field);
  for (const list of map.lists ?? []) reader.list(list);
  if (map.attachment) reader.attachment(map.attachment);
  for (const field of map.fields) reader.notBefore(field);

  const data = reader.data;
  setPath(data, 'origin.system', 'lifecare');
  let subject: string | undefined;
  if (map.scope === 'order' && typeof getPath(data, 'origin.reference') === 'string') {
    subject = orderIdFor('lifecare', getPath(data, 'origin.reference') as string);
    data.orderId = subject;
  }
  if (map.scope === 'unitReport' && typeof getPath(data, 'unit.name') === 'string' && typeof data.month === 'string') {
    subject = unitReportId(getPath(data, 'unit.name') as string, data.month);
    setPath(data, 'origin.reference', subject);
  }
  const personnummer = getPath(data, 'client.personnummer');
  if (typeof personnummer === 'string') {
    const clientId = clientIdFor(personnummer, ctx.pseudonymKey);
    setPath(data, 'client.clientId', clientId);
    data.clientId = clientId;
  }
  schemaFindings(map, reader);

  if (reader.problems.length > 0 || subject === undefined) {
    const problems = reader.problems.map(({ to: _to, ...problem }) => problem);
    throw refuse(`Lifecare ${typ} refused: ${problems.map((p) => `${p.field} (${p.rule})`).join('; ')}`, problems);
  }
  const messageId = getPath(data, 'origin.messageId') as string;
  const { orderId, origin, clientId, ...rest } = data;
  const leading = Object.entries({ orderId, origin, clientId }).filter(([, value]) => value !== undefined);
  const event: CloudEvent = {
    specversion: '1.0',
    id: stableId('lifecare', messageId, map.eventType),
    source: SOURCE,
    type: map.eventType,
    time: getPath(data, 'origin.createdAt') as string,
    subject,
    datacontenttype: 'application/json',
    correlationid: subject,
    data: { ...Object.fromEntries(leading), ...rest },
  };
  validateEvent(event);
  return [event];
}
