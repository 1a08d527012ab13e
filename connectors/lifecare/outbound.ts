// Canonical → Lifecare: renders an event as the <Meddelande> Lifecare's integration endpoint
// accepts, with the same mapping table inbound.ts reads with, and reads Lifecare's Kvitto.
import { DateTime } from 'luxon';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import type { DeadlineData } from '../../src/canonical/schemas/deadlines.ts';
import { elementAt, parseXmlDocument } from '../../src/canonical/xml-input.ts';
import { BryggaError } from '../../src/errors.ts';
import { outboundMapOf, type FieldMap } from './mapping.ts';
import { ZONE, getPath, writeValue } from './values.ts';

export const NAMESPACE = 'urn:lifecare:meddelande:2';
export const VERSION = '2.3';

export interface LifecareTarget {
  addressType: string;
  addressId?: string;
  addressName?: string;
}

/** An element being built; children keep the order they were first made in. */
interface Node {
  name: string;
  attributes: [string, string][];
  text?: string;
  children: Node[];
}

const node = (name: string, text?: string, attributes: [string, string][] = []): Node => ({ name, attributes, text, children: [] });

function child(parent: Node, name: string): Node {
  let found = parent.children.find((c) => c.name === name);
  if (!found) parent.children.push((found = node(name)));
  return found;
}

/** Sets the value at a mapping path (`A/B`, `A/@x`, `.`), making the elements on the way. */
function put(scope: Node, path: string, value: string): void {
  const steps = path.split('/');
  const last = steps.pop()!;
  const parent = steps.reduce(child, scope);
  if (last === '.') parent.text = value;
  else if (last.startsWith('@')) parent.attributes.push([last.slice(1), value]);
  else child(parent, last).text = value;
}

// XML 1.0 cannot carry most control characters at all, so they become U+FFFD.
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(value: string): string {
  return value.replace(INVALID, '\uFFFD').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function serialise(n: Node, indent: string): string {
  const attributes = n.attributes.map(([k, v]) => ` ${k}="${xmlEscape(v)}"`).join('');
  if (n.children.length === 0) {
    return n.text === undefined || n.text === '' ? `${indent}<${n.name}${attributes}/>` : `${indent}<${n.name}${attributes}>${xmlEscape(n.text)}</${n.name}>`;
  }
  const inner = n.children.map((c) => serialise(c, `${indent}  `)).join('\n');
  return `${indent}<${n.name}${attributes}>\n${inner}\n${indent}</${n.name}>`;
}

function writeField(scope: Node, field: FieldMap, data: unknown): void {
  if (field.direction === 'in') return;
  const value = getPath(data, field.to);
  if (value !== undefined && value !== null && value !== '') put(scope, field.xml, writeValue(field.kind, value));
}

/** When a deadline falls due, in Swedish words: midnight is "the end of" the day before. */
function dueInWords(dueAt: string): string {
  const local = DateTime.fromISO(dueAt, { zone: ZONE });
  if (local.hour === 0 && local.minute === 0) return `vid utgången av ${local.minus({ days: 1 }).toISODate()}`;
  return `${local.toISODate()} kl. ${local.toFormat('HH:mm')}`;
}

/** The Text of a PAMINNELSE: the deadline kind, its rule and when it falls due; no personal data. */
export function reminderText(event: CloudEvent): string {
  const d = event.data as DeadlineData;
  return event.type === EVENT_TYPES.deadlineBreached
    ? `Tidsfristen ${d.kind} (${d.rule}) har passerats: den löpte ut ${dueInWords(d.dueAt)}.`
    : `Påminnelse: tidsfristen ${d.kind} (${d.rule}) löper ut ${dueInWords(d.dueAt)}.`;
}

/**
 * Renders one canonical event for a Lifecare inbox. `meddelandeId` is the idempotency key
 * Lifecare dedupes on (use the delivery id); `createdAt` becomes Huvud/Skapad. Throws
 * BRY_DELIVERY_REJECTED for an event type Lifecare has no message for.
 */
export function renderLifecareMessage(event: CloudEvent, target: LifecareTarget, meddelandeId: string, createdAt: string): Buffer {
  const map = outboundMapOf(event.type);
  if (!map) throw new BryggaError('BRY_DELIVERY_REJECTED', `Lifecare has no message for ${event.type}`);
  const data = map.typ === 'PAMINNELSE' ? { ...(event.data as object), text: reminderText(event) } : event.data;

  const root = node('Meddelande', undefined, [['xmlns', NAMESPACE], ['version', VERSION]]);
  const huvud = child(root, 'Huvud');
  huvud.children.push(
    node('MeddelandeId', meddelandeId),
    node('Skapad', createdAt),
    node('Typ', map.typ),
    node('Avsandare', undefined, [['typ', 'SYSTEM'], ['id', 'brygga']]),
  );
  const recipient: [string, string][] = [['typ', target.addressType]];
  if (target.addressId) recipient.push(['id', target.addressId]);
  huvud.children.push(node('Mottagare', target.addressName, recipient));
  const reference = getPath(data, 'origin.messageId');
  if (typeof reference === 'string') huvud.children.push(node('Referens', reference));

  for (const field of map.fields) writeField(root, field, data);
  for (const list of map.lists ?? []) {
    const items = getPath(data, list.to);
    if (!Array.isArray(items)) continue;
    const slash = list.xml.lastIndexOf('/');
    const parent = slash < 0 ? root : list.xml.slice(0, slash).split('/').reduce(child, root);
    for (const item of items) {
      const element = node(list.xml.slice(slash + 1));
      parent.children.push(element);
      for (const field of list.items) writeField(element, field, item);
    }
  }
  const attachment = map.attachment && (getPath(data, map.attachment.to) as { name: string; mime: string; contentBase64: string } | undefined);
  if (map.attachment && attachment) {
    put(root, `${map.attachment.xml}/@namn`, attachment.name);
    put(root, `${map.attachment.xml}/@mime`, attachment.mime);
    put(root, `${map.attachment.xml}/.`, attachment.contentBase64);
  }
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${serialise(root, '')}\n`, 'utf8');
}

/** The MeddelandeId of Lifecare's answer `<Kvitto><MeddelandeId>…</MeddelandeId></Kvitto>`, if it is one. */
export function parseLifecareReceipt(body: string): string | undefined {
  try {
    const root = parseXmlDocument(Buffer.from(body, 'utf8'), { maxBytes: 64 * 1024, contentType: 'application/xml; charset=utf-8' });
    return root.name === 'Kvitto' ? elementAt(root, 'MeddelandeId')?.text || undefined : undefined;
  } catch {
    return undefined;
  }
}
