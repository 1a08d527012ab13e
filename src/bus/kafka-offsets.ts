// A Kafka consumer's offsets: what this member has handled, committed on an interval rather than
// per batch. At a few orders a second every batch holds a record or two, and a commit request per
// batch was the most frequent request Brygga sent (six per order at 100 orders/s).
//
// At-least-once holds: an offset is handed in only after its records are handled, and a commit
// that does not go through is tried again with the next one. What a crash takes back (at most
// one interval of commits) is delivered again, which the handlers' idempotency makes harmless.
// After a rebalance kafkajs starts every partition it assigns at the committed offset, so records
// this member handled but had not committed yet come back to it; they are skipped (`handled`),
// and a graceful stop or a rebalance commits first, so a member that leaves hands over no
// records twice. A partition whose log started over (its topic deleted and created again) is
// recognised by its end lying before what this member handled, and handled afresh.
import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaOffsetsOptions {
  commit: (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>;
  intervalMs: number;
  log: Logger;
  /** Brygga's name of a topic on the cluster, for log lines. */
  topicName: (clusterName: string) => string;
  /** A commit failed because a partition in it no longer exists (its topic was deleted). */
  isGone: (error: unknown) => boolean;
}

export class KafkaOffsets {
  /** Next offset to handle per `topic\0partition`, as far as this member knows. */
  private readonly handledUpTo = new Map<string, bigint>();
  /** Handled but not committed yet. */
  private pending = new Map<string, TopicPartitionOffsetAndMetadata>();
  private timer?: NodeJS.Timeout;
  private committing: Promise<void> = Promise.resolve();
  private closed = false;
  /** Commits failed in a row: the first is logged as a warning, the rest at debug (a broker outage retries every interval). */
  private failures = 0;

  constructor(private readonly options: KafkaOffsetsOptions) {}

  /**
   * Records of a batch this member has not handled yet (a rebalance can hand them back).
   * `highWatermark` is the partition's end as the fetch saw it: never before what was handled of
   * the same log, so when it is, the log started over and what was handled of the old one says
   * nothing about it.
   */
  unhandled<T extends { offset: string }>(topic: string, partition: number, records: T[], highWatermark: string): T[] {
    const key = keyOf(topic, partition);
    const next = this.handledUpTo.get(key);
    if (next === undefined) return records;
    if (BigInt(highWatermark) < next) {
      this.handledUpTo.delete(key);
      this.pending.delete(key);
      this.options.log.warn(
        { topic: this.options.topicName(topic), partition, handledUpTo: String(next), highWatermark },
        'the partition ends before what this member handled of it: its log started over (the topic was created again); its records are handled',
      );
      return records;
    }
    const first = records.findIndex((r) => BigInt(r.offset) >= next);
    return first === -1 ? [] : records.slice(first);
  }

  /** Everything before `nextOffset` on the partition is handled; committed within the interval. */
  handled(topic: string, partition: number, nextOffset: string): void {
    const key = keyOf(topic, partition);
    const next = BigInt(nextOffset);
    if (next <= (this.handledUpTo.get(key) ?? -1n)) return;
    this.handledUpTo.set(key, next);
    this.pending.set(key, { topic, partition, offset: nextOffset });
    if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), this.options.intervalMs);
  }

  /**
   * After a rebalance: offsets of partitions this member no longer owns are not committed (their
   * new owner commits its own); what it handled of them stays known, in case they come back.
   */
  keepOnly(assignment: Record<string, number[]>): void {
    for (const [key, offset] of this.pending) {
      if (!assignment[offset.topic]?.includes(offset.partition)) this.pending.delete(key);
    }
  }

  /** Commits what is handled and not committed yet; one commit request at a time. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.committing = this.committing.then(() => this.commitPending());
    return this.committing;
  }

  /** Commits what is handled, and commits nothing after that. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async commitPending(): Promise<void> {
    if (this.pending.size === 0) return;
    const offsets = this.pending;
    this.pending = new Map();
    try {
      await this.options.commit([...offsets.values()]);
      if (this.failures > 0) this.options.log.info({ failedBefore: this.failures }, 'committing offsets works again');
      this.failures = 0;
    } catch (err) {
      if (this.options.isGone(err)) {
        // Not tried again: committed to a topic created again under the same name, the old offsets
        // would skip its first records. Left uncommitted, the live partitions' records are at worst
        // handled again after a restart (idempotent), and their next records commit them anyway.
        this.options.log.warn({ err, topics: this.topicsOf(offsets) }, 'a partition is gone (its topic was deleted): these offsets are not committed');
        return;
      }
      // Tried again with the next commit unless a later offset of the partition supersedes it.
      for (const [key, offset] of offsets) if (!this.pending.has(key)) this.pending.set(key, offset);
      const level = this.failures++ === 0 ? 'warn' : 'debug';
      this.options.log[level]({ err, topics: this.topicsOf(offsets) }, 'committing offsets failed; trying again with the next commit (until then a restart delivers those records again)');
      if (!this.closed) this.timer ??= setTimeout(() => void this.flush(), this.options.intervalMs);
    }
  }

  private topicsOf(offsets: Map<string, TopicPartitionOffsetAndMetadata>): string[] {
    return [...new Set([...offsets.values()].map((o) => this.options.topicName(o.topic)))];
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
