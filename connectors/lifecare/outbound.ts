// Canonical → Lifecare: renders an event as the <Meddelande> Lifecare's integration endpoint
// accepts, with the same mapping table inbound.ts reads with, and reads Lifecare's Kvitto.
import { withReferenceFor } from '../../src/canonical/references.ts';
import { DateTime } from 'luxon';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import type { DeadlineData } from '../../src/canonical/schemas/deadlines.ts';
import { elementAt, parseXmlDocument } from '../../src/canonical/xml-input.ts';
import { BryggaError } from '../../src/errors.ts';
import { getPath } from '../../src/connectors/xml-mapping/paths.ts';
import { writeAttachment, writeField, writeList } from '../../src/connectors/xml-mapping/render.ts';
import { toNative } from '../../src/connectors/xml-mapping/tables.ts';
import { ZONE } from '../../src/connectors/xml-mapping/values.ts';
import { child, node, xmlDocument } from '../../src/connectors/xml-mapping/writer.ts';
import { ROLES, outboundMapOf } from './mapping.ts';

export const NAMESPACE = 'urn:lifecare:meddelande:2';
export const VERSION = '2.3';

export interface LifecareTarget {
  /** Lifecare's Mottagare typ as configured (INKORG), or a canonical party role (caseOfficer) mapped through ROLES. */
  addressType: string;
  addressId?: string;
  addressName?: string;
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
  const own = withReferenceFor('lifecare', event.data);
  const data = map.typ === 'PAMINNELSE' ? { ...(own as object), text: reminderText(event) } : own;

  const root = node('Meddelande', undefined, [['xmlns', NAMESPACE], ['version', VERSION]]);
  const huvud = child(root, 'Huvud');
  huvud.children.push(
    node('MeddelandeId', meddelandeId),
    node('Skapad', createdAt),
    node('Typ', map.typ),
    node('Avsandare', undefined, [['typ', toNative(ROLES, 'system')], ['id', 'brygga']]),
  );
  // A configured inbox carries Lifecare's own typ (INKORG); a case officer comes as the role.
  const recipient: [string, string][] = [['typ', toNative(ROLES, target.addressType)]];
  if (target.addressId) recipient.push(['id', target.addressId]);
  huvud.children.push(node('Mottagare', target.addressName, recipient));
  const reference = getPath(data, 'origin.messageId');
  if (typeof reference === 'string') huvud.children.push(node('Referens', reference));

  for (const field of map.fields) writeField(root, field, data);
  for (const list of map.lists ?? []) {
    writeList(root, list, data, (element, item) => {
      for (const field of list.items) writeField(element, field, item);
    });
  }
  writeAttachment(root, map.attachment, data);
  return xmlDocument(root);
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
