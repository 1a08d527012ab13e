// Canonical → Paraply: renders an event as the SOAP request Paraply's endpoint takes (Kvittens,
// Genomforandeplan), with the mapping table, and reads Paraply's answer.
import { withReferenceFor } from '../../src/canonical/references.ts';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { parseXmlDocument } from '../../src/canonical/xml-input.ts';
import { BryggaError } from '../../src/errors.ts';
import { NAMESPACE, outboundOperationOf, type OutboundField } from './mapping.ts';
import { getPath } from '../../src/connectors/xml-mapping/paths.ts';
import { node, put } from '../../src/connectors/xml-mapping/writer.ts';
import { envelope, readFault, serialise, type Fault } from './soap.ts';

/** The message id Brygga sends in Header/Meddelandeinfo/Id: Paraply's idempotency key, stable per delivery. */
export const messageIdFor = (deliveryId: string): string => `BRY-${deliveryId}`;

export const soapActionOf = (operation: string): string => `${NAMESPACE}/${operation}`;

const present = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

function valueOf(field: OutboundField, data: unknown): string | undefined {
  const value = field.from.map((path) => getPath(data, path)).find(present);
  if (value === undefined) return undefined;
  if (!field.values) return String(value);
  // A value Paraply has no word for is not written: the field then counts as missing.
  return Object.entries(field.values).find(([, canonical]) => canonical === value)?.[0];
}

export interface RenderedRequest {
  operation: string;
  messageId: string;
  body: Buffer;
}

/**
 * Renders one canonical event as a Paraply SOAP request. `deliveryId` becomes the message id
 * (Header/Meddelandeinfo/Id, `BRY-<delivery id>`) and `sentAt` its Skickad: both the same on every
 * retry, so a resent request is the same bytes. Throws BRY_DELIVERY_REJECTED (not retryable) for
 * an event Paraply has no operation for, or one that lacks what the operation needs.
 */
export function renderParaplyRequest(event: CloudEvent, deliveryId: string, sentAt: string): RenderedRequest {
  const map = outboundOperationOf(event.type);
  if (!map) throw new BryggaError('BRY_DELIVERY_REJECTED', `Paraply has no operation for ${event.type}`);
  const data = withReferenceFor('paraply', event.data);
  const operation = node(map.operation);
  const missing: string[] = [];
  const written = new Set<string>();
  for (const field of map.fields) {
    if (written.has(field.xml)) continue;
    if (field.when && !field.when.in.includes(String(getPath(data, field.when.field)))) continue;
    const value = valueOf(field, data);
    if (value !== undefined) {
      put(operation, field.xml, value);
      written.add(field.xml);
    } else if (field.required) missing.push(`${field.from.join(' or ')} (for ${map.operation}/${field.xml})`);
  }
  for (const [path, value] of Object.entries(map.constants ?? {})) put(operation, path, value);
  if (missing.length > 0) {
    throw new BryggaError('BRY_DELIVERY_REJECTED', `the event lacks what Paraply ${map.operation} needs (${map.rule}): ${missing.join(', ')}`);
  }
  const messageId = messageIdFor(deliveryId);
  const info = node('Meddelandeinfo');
  info.children.push(node('Id', messageId), node('Skickad', sentAt));
  return { operation: map.operation, messageId, body: envelope(serialise(operation, '    '), serialise(info, '    ')) };
}

export type ParaplyAnswer = { fault: Fault } | { fault?: undefined; receipt?: string } | { unreadable: true };

/** Paraply's answer: a Fault, a response (its Id as the receipt, if it gives one), or not SOAP at all. */
export function readParaplyAnswer(body: Buffer, contentType: string | undefined): ParaplyAnswer {
  let root;
  try {
    root = parseXmlDocument(body, { contentType, maxBytes: 1024 * 1024 });
  } catch {
    return { unreadable: true };
  }
  const fault = readFault(root);
  if (fault) return { fault };
  if (root.name !== 'Envelope') return { unreadable: true };
  const response = root.children.find((c) => c.name === 'Body')?.children[0];
  const receipt = response?.children.find((c) => c.name === 'Id' || c.name === 'KvittoId')?.text;
  return receipt ? { receipt } : {};
}
