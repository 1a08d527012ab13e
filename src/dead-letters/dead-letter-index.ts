// The durable index of dead letters in the store, projected from the dead-letter topic by its own
// consumer group (so it works alike on Redis and the embedded store, and rebuilds from the log):
// one record per dead letter (its stage, system, problems and original bytes) kept as long as the
// topic keeps it, and an append-only list of ids in arrival order that pages by position.
// A dead letter written by a replay that failed again (its causation is the replayed one) is no
// new entry: the replayed dead letter stays, with the new problems.
import type { Bus, Subscription } from '../bus/bus.ts';
import { fromBusRecord, type CloudEvent } from '../canonical/envelope.ts';
import { TOPICS } from '../canonical/event-types.ts';
import type { DeadLetterData } from '../canonical/schemas/dead-letter.ts';
import type { KeyValueStore } from '../store/store.ts';

export interface DeadLetterRecord {
  id: string;
  /** e.g. `connector:lifecare`, `delivery`. */
  stage: string;
  /** The system it came from (connector) or was going to (delivery). */
  system: string;
  receivedAt: string;
  contentType?: string;
  orderId?: string;
  problems: DeadLetterData['problems'];
  originalBase64: string;
  /** Replays that failed again, each leaving its problems here. */
  failedReplays?: number;
}

/** What the last replay of a dead letter did (written by the replay, kept beside the record). */
export interface ReplayRecord {
  at: string;
  outcome: 'accepted' | 'refused';
  /** The events the replay put on the bus (accepted). */
  eventIds?: string[];
  /** Why it was refused again (the record's problems say it too). */
  errorCode?: string;
}

const LIST_KEY = 'dead-letters';
export const deadLetterKey = (id: string): string => `dead-letter:${id}`;
export const replayKey = (id: string): string => `dead-letter-replay:${id}`;
/** A replayed delivery's request event id → the dead letter it replays (its next dead letter names that event). */
export const replayCauseKey = (eventId: string): string => `dead-letter-replay-cause:${eventId}`;

interface ListEntry {
  id: string;
  stage: string;
  system: string;
  /** receivedAt, epoch ms. */
  at: number;
}

export interface DeadLetterFilter {
  stage?: string;
  system?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
}

export interface DeadLetterPage {
  deadLetters: Array<DeadLetterRecord & { replay?: ReplayRecord }>;
  /** Give it back as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** The system a dead letter concerns: a connector's own, or the receiving system of a delivery. */
function systemOf(data: DeadLetterData): string {
  if (data.stage.startsWith('connector:')) return data.stage.slice('connector:'.length);
  try {
    const request = JSON.parse(Buffer.from(data.originalBase64, 'base64').toString('utf8')) as { inbox?: { system?: unknown } };
    if (typeof request.inbox?.system === 'string') return request.inbox.system;
  } catch {
    // not a delivery request: the stage is all there is
  }
  return data.stage;
}

export class DeadLetterIndex {
  private subscription?: Subscription;

  constructor(private readonly deps: { bus?: Bus; kv: KeyValueStore; retentionMs: number }) {}

  async start(): Promise<void> {
    if (!this.deps.bus) throw new Error('DeadLetterIndex.start needs a bus');
    this.subscription = await this.deps.bus.subscribe({
      groupId: 'brygga-dead-letters',
      topics: [TOPICS.deadLetters],
      fromBeginning: true,
      handler: async (record) => this.project(fromBusRecord<DeadLetterData>(record)),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  private get ttl(): number | undefined {
    return this.deps.retentionMs > 0 ? this.deps.retentionMs : undefined;
  }

  /** Idempotent: a record read twice after a crash is written once. */
  async project(event: CloudEvent<DeadLetterData>): Promise<void> {
    const { kv } = this.deps;
    const data = event.data;
    const cause = data.causationId ?? event.causationid;
    const replayed = cause ? ((await kv.get(deadLetterKey(cause))) ? cause : await kv.get(replayCauseKey(cause))) : undefined;
    const previous = replayed ? await this.get(replayed) : undefined;
    if (previous) {
      await kv.set(deadLetterKey(previous.id), JSON.stringify({ ...previous, problems: data.problems, failedReplays: (previous.failedReplays ?? 0) + 1 }), this.ttl);
      // A replayed delivery is accepted when requested and refused only now, by the receiving system.
      await this.recordReplay(previous.id, { at: data.receivedAt, outcome: 'refused', ...(data.problems[0] ? { errorCode: data.problems[0].code } : {}) });
      return;
    }
    if (await kv.get(deadLetterKey(event.id))) return;
    const record: DeadLetterRecord = {
      id: event.id,
      stage: data.stage,
      system: systemOf(data),
      receivedAt: data.receivedAt,
      ...(data.contentType ? { contentType: data.contentType } : {}),
      ...(event.subject && !event.subject.startsWith('deadletter:') ? { orderId: event.subject } : {}),
      problems: data.problems,
      originalBase64: data.originalBase64,
    };
    // Listed first: a crash before the record is written lists it again, which readers drop.
    const entry: ListEntry = { id: record.id, stage: record.stage, system: record.system, at: Date.parse(record.receivedAt) };
    await kv.append(LIST_KEY, JSON.stringify(entry));
    await kv.set(deadLetterKey(record.id), JSON.stringify(record), this.ttl);
  }

  async get(id: string): Promise<DeadLetterRecord | undefined> {
    const text = await this.deps.kv.get(deadLetterKey(id));
    return text ? (JSON.parse(text) as DeadLetterRecord) : undefined;
  }

  async replayOf(id: string): Promise<ReplayRecord | undefined> {
    const text = await this.deps.kv.get(replayKey(id));
    return text ? (JSON.parse(text) as ReplayRecord) : undefined;
  }

  async recordReplay(id: string, replay: ReplayRecord): Promise<void> {
    await this.deps.kv.set(replayKey(id), JSON.stringify(replay), this.ttl);
  }

  /**
   * Newest first, at most `limit`. The cursor is a position in the append-only list, so a page
   * stays put while new dead letters arrive. Entries whose record retention removed are skipped.
   */
  async list(filter: DeadLetterFilter, limit: number, cursor?: number): Promise<DeadLetterPage> {
    const entries = (await this.deps.kv.range(LIST_KEY)).map((line) => JSON.parse(line) as ListEntry);
    const seen = new Set<string>();
    const page: DeadLetterPage['deadLetters'] = [];
    for (let position = Math.min(cursor ?? entries.length, entries.length) - 1; position >= 0; position--) {
      const entry = entries[position]!;
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      if (filter.stage !== undefined && entry.stage !== filter.stage) continue;
      if (filter.system !== undefined && entry.system !== filter.system) continue;
      if ((filter.from !== undefined && entry.at < filter.from) || (filter.to !== undefined && entry.at >= filter.to)) continue;
      if (page.length === limit) return { deadLetters: page, nextCursor: String(position + 1) };
      const record = await this.get(entry.id);
      if (!record) continue;
      const replay = await this.replayOf(entry.id);
      page.push(replay ? { ...record, replay } : record);
    }
    return { deadLetters: page };
  }
}
