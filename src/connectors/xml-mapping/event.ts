// Finishes a connector's canonical event: the client's pseudonym, the leading data fields, the CloudEvents envelope, validated.
import { stableId, type CloudEvent } from '../../canonical/envelope.ts';
import type { EventType } from '../../canonical/event-types.ts';
import { clientIdFor } from '../../canonical/pseudonym.ts';
import { validateEvent } from '../../canonical/validate.ts';
import { getPath, setPath } from './paths.ts';

/** The client's pseudonymous id beside the personnummer read, and at the top of the data. */
export function addClientId(data: Record<string, unknown>, pseudonymKey: string): void {
  const personnummer = getPath(data, 'client.personnummer');
  if (typeof personnummer !== 'string') return;
  const clientId = clientIdFor(personnummer, pseudonymKey);
  setPath(data, 'client.clientId', clientId);
  data.clientId = clientId;
}

export interface EventParts {
  /** The system the message came from; with the message id and `type` it makes the stable event id. */
  system: string;
  source: string;
  type: EventType;
  subject: string;
  /** The mapped data; `origin.messageId` names the message, `origin.createdAt` is the event's time. */
  data: Record<string, unknown>;
}

/** The event, its data led by orderId, origin and clientId; throws as validateEvent does. */
export function canonicalEvent(parts: EventParts): CloudEvent {
  const { orderId, origin, clientId, ...rest } = parts.data;
  const leading = Object.entries({ orderId, origin, clientId }).filter(([, value]) => value !== undefined);
  const event: CloudEvent = {
    specversion: '1.0',
    id: stableId(parts.system, getPath(parts.data, 'origin.messageId') as string, parts.type),
    source: parts.source,
    type: parts.type,
    time: getPath(parts.data, 'origin.createdAt') as string,
    subject: parts.subject,
    datacontenttype: 'application/json',
    correlationid: parts.subject,
    data: { ...Object.fromEntries(leading), ...rest },
  };
  validateEvent(event);
  return event;
}
