// Canonical → Treserva: renders an event as the <tr:Uppdrag> file Treserva imports from its
// incoming folder, with the same mapping table inbound.ts reads with.
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { referenceFor } from '../../src/canonical/references.ts';
import { BryggaError } from '../../src/errors.ts';
import { getPath } from '../../src/connectors/xml-mapping/paths.ts';
import { writeAttachment, writeField, writeList } from '../../src/connectors/xml-mapping/render.ts';
import { toNative } from '../../src/connectors/xml-mapping/tables.ts';
import { node, put, xmlDocument, type Node } from '../../src/connectors/xml-mapping/writer.ts';
import { ROLES, outboundMapOf, type FieldMap, type NameMap } from './mapping.ts';
import { localDateTime, splitName, writeValue } from './values.ts';

export const NAMESPACE = 'http://schemas.cgi.se/treserva/uppdrag/v2';
export const PREFIX = 'tr';
export const SCHEMA_VERSION = '2.1';

export interface TreservaTarget {
  /** Treserva's Mottagare roll as configured (INKORG), or a canonical party role (caseOfficer) mapped through ROLES. */
  addressType: string;
  addressId?: string;
  addressName?: string;
}

const writeTreservaField = (scope: Node, field: FieldMap, data: unknown): void => writeField(scope, field, data, writeValue);

function writeName(scope: Node, name: NameMap, data: unknown): void {
  const value = getPath(data, name.to);
  if (typeof value !== 'string' || value.trim() === '') return;
  const { given, family } = splitName(value);
  if (given) put(scope, name.given, given);
  put(scope, name.family, family);
}

/** The UppdragsId Treserva knows the order by: its own, or another system's reference prefixed (src/canonical/references.ts). */
export function uppdragsIdOf(data: { orderId?: string; origin?: { system?: string; reference?: string } }): string {
  const origin = data.origin;
  if (origin?.system && origin.reference) return referenceFor('treserva', { system: origin.system, reference: origin.reference });
  return data.orderId ?? '';
}

/**
 * Renders one canonical event as a Treserva file for an inbox. `createdAt` is the Tidpunkt when
 * the event carries no time of its own (an order's registeredAt, else its origin's createdAt).
 * Throws BRY_DELIVERY_REJECTED for an event type Treserva has no Handelse for.
 */
export function renderTreservaFile(event: CloudEvent, target: TreservaTarget, createdAt: string): Buffer {
  const map = outboundMapOf(event.type);
  if (!map) throw new BryggaError('BRY_DELIVERY_REJECTED', `Treserva has no Handelse for ${event.type}`);
  const data = event.data as Record<string, unknown>;
  const origin = (data.origin ?? {}) as { sender?: { role?: string; id?: string; name?: string }; createdAt?: string };

  const root = node('Uppdrag', undefined, [[`xmlns:${PREFIX}`, NAMESPACE], ['schemaVersion', SCHEMA_VERSION]]);
  root.children.push(
    node('UppdragsId', uppdragsIdOf(data as { orderId?: string; origin?: { system?: string; reference?: string } })),
    node('Handelse', map.handelse),
    node('Tidpunkt', localDateTime((data.registeredAt as string | undefined) ?? origin.createdAt ?? createdAt)),
  );
  const first = map.fields.filter((f) => f.xml === 'Stadsomrade');
  for (const field of first) writeTreservaField(root, field, data);
  // Brygga forwards on behalf of whoever wrote the message; a person's name stays out.
  const sender = origin.sender;
  const avsandare: [string, string][] = [['roll', toNative(ROLES, sender?.role ?? 'system')]];
  avsandare.push(['anvandarId', sender?.id ?? (sender ? '' : 'brygga')]);
  if (sender?.name) avsandare.push(['namn', sender.name]);
  root.children.push(node('Avsandare', undefined, avsandare.filter(([, v]) => v !== '')));
  const mottagare: [string, string][] = [['roll', toNative(ROLES, target.addressType)]];
  if (target.addressId) mottagare.push(['anvandarId', target.addressId]);
  if (target.addressName) mottagare.push(['enhet', target.addressName]);
  root.children.push(node('Mottagare', undefined, mottagare));

  for (const field of map.fields.filter((f) => !first.includes(f))) writeTreservaField(root, field, data);
  for (const name of map.names ?? []) writeName(root, name, data);
  for (const list of map.lists ?? []) {
    writeList(root, list, data, (element, item) => {
      for (const name of list.names ?? []) writeName(element, name, item);
      for (const field of list.items) writeTreservaField(element, field, item);
    });
  }
  writeAttachment(root, map.attachment, data);
  return xmlDocument(root, `${PREFIX}:`);
}
