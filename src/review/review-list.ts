// The review list: inbound messages that matched no order, or more than one (a mail reply without
// a known token, say), kept with their original bytes until a person attaches each to an order or
// dismisses it. The connector that refused the message records it; the decision is recorded once
// (who, when, what) and never overwritten. Everything lives in the store's key-value port, so it
// is durable on the embedded store and on Redis alike.
import { createHash } from 'node:crypto';
import type { FieldProblem } from '../errors.ts';
import type { KeyValueStore } from '../store/store.ts';

export type ReviewStatus = 'open' | 'attached' | 'dismissed';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['open', 'attached', 'dismissed'];

export interface ReviewDecision {
  status: Exclude<ReviewStatus, 'open'>;
  /** The operator's id (never a name). */
  by: string;
  at: string;
  reason?: string;
  /** For `attached`: the order, and the events the message gave as that order's. */
  orderId?: string;
  eventIds?: string[];
}

/** What the list shows: ids, times and the refusal's problems; the message itself only on request. */
export interface ReviewItem {
  id: string;
  /** The connector that refused it, e.g. `mail`. */
  system: string;
  receivedAt: string;
  contentType: string;
  sizeBytes: number;
  /** Why it was refused: fields and rules, never values. */
  problems: FieldProblem[];
  deadLetterId?: string;
  status: ReviewStatus;
  decision?: ReviewDecision;
}

export interface NewReviewItem {
  system: string;
  original: Buffer;
  contentType: string;
  receivedAt: number;
  problems: FieldProblem[];
  deadLetterId?: string;
}

const INDEX = 'review:index';
const itemKey = (id: string): string => `review:item:${id}`;
const originalKey = (id: string): string => `review:original:${id}`;
const decisionKey = (id: string): string => `review:decision:${id}`;

/** Stable per message: the same bytes read again (after a crash before the mail was moved) are the same item. */
export const reviewIdOf = (system: string, original: Buffer): string =>
  `rv-${createHash('sha256').update(system).update('\u001f').update(original).digest('hex').slice(0, 20)}`;

type StoredItem = Omit<ReviewItem, 'status' | 'decision'>;

export class ReviewList {
  constructor(private readonly kv: KeyValueStore) {}

  /** Keeps a refused message for review; recording the same one again changes nothing. */
  async record(input: NewReviewItem): Promise<ReviewItem> {
    const id = reviewIdOf(input.system, input.original);
    const item: StoredItem = {
      id,
      system: input.system,
      receivedAt: new Date(input.receivedAt).toISOString(),
      contentType: input.contentType,
      sizeBytes: input.original.length,
      problems: input.problems,
      ...(input.deadLetterId ? { deadLetterId: input.deadLetterId } : {}),
    };
    // Bytes first, the item last: an item is listed only once its original is there.
    await this.kv.set(originalKey(id), input.original.toString('base64'));
    if (await this.kv.setIfAbsent(itemKey(id), JSON.stringify(item))) await this.kv.append(INDEX, id);
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ReviewItem | undefined> {
    const raw = await this.kv.get(itemKey(id));
    if (!raw) return undefined;
    const decision = await this.kv.get(decisionKey(id));
    if (!decision) return { ...(JSON.parse(raw) as StoredItem), status: 'open' };
    const parsed = JSON.parse(decision) as ReviewDecision;
    return { ...(JSON.parse(raw) as StoredItem), status: parsed.status, decision: parsed };
  }

  /** Oldest first; `status` narrows it. */
  async list(status?: ReviewStatus): Promise<ReviewItem[]> {
    const ids = [...new Set(await this.kv.range(INDEX))];
    const items = (await Promise.all(ids.map((id) => this.get(id)))).filter((i): i is ReviewItem => i !== undefined);
    return status ? items.filter((i) => i.status === status) : items;
  }

  async original(id: string): Promise<Buffer | undefined> {
    const raw = await this.kv.get(originalKey(id));
    return raw === undefined ? undefined : Buffer.from(raw, 'base64');
  }

  /**
   * Records the decision unless one is recorded already (the first one stands). Returns the item
   * as it is afterwards and whether this call decided it.
   */
  async decide(id: string, decision: ReviewDecision): Promise<{ decided: boolean; item: ReviewItem }> {
    const decided = await this.kv.setIfAbsent(decisionKey(id), JSON.stringify(decision));
    return { decided, item: (await this.get(id))! };
  }
}
