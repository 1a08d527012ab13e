// The reference token `[BRY-<order id>]` that ties a reply to its order, and the record Brygga
// keeps of every mail it sent (in the mailbox's `sent` folder) that turns a token back into the
// order: Brygga's order id, the reference in the order's home system, the provider.
import { homeOf } from '../../src/canonical/references.ts';

/** What Brygga remembers of one mail it sent: headers of the record, no personal data. */
export interface SentRecord {
  messageId: string;
  deliveryId: string;
  orderId: string;
  /** The order's reference as the mail route knows it: its home system's, prefixed (`paraply:P-2026-0042`). */
  reference: string;
  providerId?: string;
  providerName?: string;
  daysPerWeek?: number;
}

export const tokenFor = (orderId: string): string => `[BRY-${orderId}]`;

/** Every distinct token in a subject (`[BRY-ord-…]`, `[BRY-P-2026-0042]`, `[BRY-paraply:P-2026-0042]`), in order. */
export function tokensIn(subject: string): string[] {
  const found = [...subject.matchAll(/\[\s*BRY-([A-Za-z0-9][A-Za-z0-9:._/-]{0,119})\s*\]/gi)].map((m) => m[1]!);
  return [...new Set(found)];
}

/**
 * The keys a record answers to: Brygga's order id, the prefixed reference and the bare home
 * reference, so a reply that names the order the way the provider saw it on the page still finds it.
 */
export function keysOf(record: Pick<SentRecord, 'orderId' | 'reference'>): string[] {
  const home = homeOf({ system: 'mail', reference: record.reference });
  return [...new Set([record.orderId, `${home.system}:${home.reference}`, home.reference])];
}

/** The orders a token names among the records: none, one, or several (ambiguous). */
export function ordersFor(token: string, records: readonly SentRecord[]): SentRecord[] {
  const wanted = token.toLowerCase();
  const byOrder = new Map<string, SentRecord>();
  for (const record of records) {
    if (!keysOf(record).some((key) => key.toLowerCase() === wanted)) continue;
    const known = byOrder.get(record.orderId);
    // A record of the order itself (with its days per week and provider) beats one of a notice.
    if (!known || (known.daysPerWeek === undefined && record.daysPerWeek !== undefined)) byOrder.set(record.orderId, record);
  }
  return [...byOrder.values()];
}

/** Header names of a record (lower case, as mailparser gives them). */
export const RECORD_HEADERS = {
  order: 'x-brygga-order',
  reference: 'x-brygga-reference',
  keys: 'x-brygga-keys',
  delivery: 'x-brygga-delivery',
  provider: 'x-brygga-provider',
  providerName: 'x-brygga-provider-name',
  daysPerWeek: 'x-brygga-days-per-week',
} as const;
