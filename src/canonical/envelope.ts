// The CloudEvents 1.0 envelope of every canonical event, and its Kafka binding in binary mode:
// attributes travel as `ce_` headers, the data as the record value, the order id as the key.
import { createHash } from 'node:crypto';
import type { BusRecord, ConsumedRecord } from '../bus/bus.ts';
import { EVENT_TYPES, type EventType } from './event-types.ts';
import type { CloudEventEnvelope } from './schemas/envelope.ts';

/**
 * A canonical event: the envelope of `schemas/envelope.schema.json` (one source of truth, the
 * TypeBox schema) with its type narrowed to Brygga's event types and its data typed by the caller.
 * `correlationid` is the Brygga order id (or a report's unit and month); `causationid` the event
 * that caused this one.
 */
export type CloudEvent<T = unknown> = Omit<CloudEventEnvelope, 'type' | 'data'> & { type: EventType; data: T };

const ATTRIBUTES = ['specversion', 'id', 'source', 'type', 'time', 'subject', 'correlationid', 'causationid'] as const;

export function toBusRecord(event: CloudEvent): BusRecord {
  const headers: Record<string, string> = { 'content-type': event.datacontenttype };
  for (const name of ATTRIBUTES) {
    const value = event[name];
    if (value !== undefined) headers[`ce_${name}`] = value;
  }
  return { key: event.correlationid, value: Buffer.from(JSON.stringify(event.data)), headers };
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(EVENT_TYPES));

export function fromBusRecord<T = unknown>(record: BusRecord | ConsumedRecord): CloudEvent<T> {
  const h = record.headers;
  const type = h.ce_type as EventType;
  if (h.ce_specversion !== '1.0' || !h.ce_id || !KNOWN_TYPES.has(type)) {
    throw new Error(`record is not a Brygga CloudEvent (ce_type ${h.ce_type ?? 'missing'})`);
  }
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: h.ce_id,
    source: h.ce_source ?? '',
    type,
    time: h.ce_time ?? '',
    subject: h.ce_subject ?? '',
    datacontenttype: 'application/json',
    correlationid: h.ce_correlationid ?? record.key,
    data: JSON.parse(record.value.toString('utf8')) as T,
  };
  if (h.ce_causationid) event.causationid = h.ce_causationid;
  return event;
}

/**
 * A name-based (version 5 style) UUID: the same inputs always give the same id, so a message
 * received twice, or an event derived twice during a retry, carries one id (idempotency key).
 */
export function stableId(...parts: string[]): string {
  const hash = createHash('sha1').update(parts.join('\u001f')).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Brygga's order id, derived from the source system and its own reference. */
export function orderIdFor(system: string, reference: string): string {
  return `ord-${stableId('order', system, reference).slice(0, 18)}`;
}
