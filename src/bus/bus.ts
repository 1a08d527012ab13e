// The bus port: an ordered, durable, partitioned log of records, consumed by groups.
// Adapters: kafka.ts (Apache Kafka via kafkajs) and embedded.ts (in-process, file-backed).

/** One record on a topic. Headers carry the CloudEvents Kafka binding attributes (`ce_*`). */
export interface BusRecord {
  /** Partition key; records with one key stay in order on one partition (Brygga: the order id). */
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** A record as a consumer sees it, with its position. */
export interface ConsumedRecord extends BusRecord {
  topic: string;
  partition: number;
  /** Offset as a decimal string (Kafka offsets exceed 2^53 in theory). */
  offset: string;
  /** Append time on the bus, epoch milliseconds. */
  timestamp: number;
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Retention in milliseconds; -1 keeps forever. */
  retentionMs: number;
  /**
   * Bytes the whole topic keeps (the oldest records go first); absent or -1: no limit. Kafka
   * applies it per partition, so the adapter divides it by the partitions.
   */
  retentionBytes?: number;
  /**
   * The largest record the topic must take. Kafka refuses a record (or a produce request's
   * records for one partition) over the topic's `max.message.bytes`, 1 MiB unless set; the
   * embedded bus has no limit. Absent: the broker's default.
   */
  maxRecordBytes?: number;
}

export interface SubscribeOptions {
  /** Consumer group: instances sharing a group share the partitions (scale-out). */
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. Default: earliest. */
  fromBeginning?: boolean;
  /**
   * Called once per record. The adapter hands records over in batches per partition: records
   * of one key one after the other in offset order, records of different keys concurrently
   * (src/bus/batch.ts). A batch is committed once, after every record in it is handled
   * (at-least-once). A rejection is retried with backoff by the adapter and never commits past
   * the failed record, so handlers must be idempotent.
   */
  handler: (record: ConsumedRecord) => Promise<void>;
}

export interface Subscription {
  /** Stops consuming; resolves once no handler is running. Committed offsets stay. */
  stop(): Promise<void>;
  /**
   * Settles, with the reason, if the consumer stops by itself (evicted from its group, a fatal
   * client error): it will consume nothing more, and the caller should subscribe again. Never
   * settles for a subscription that goes on consuming or that was stopped with stop().
   */
  readonly ended: Promise<Error>;
}

export interface Bus {
  /**
   * Creates the topics that are missing; existing ones are left as they are on Kafka. The
   * embedded bus stores only a topic's partitions: it applies the retention of the last call.
   */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /**
   * How many records retention has removed from the head of a topic so far (Kafka: the
   * partitions' low watermarks summed; embedded: the partitions' first kept offsets summed).
   */
  removedByRetention(topic: string): Promise<number>;
  /**
   * Appends records durably (Kafka: acks=all, idempotent producer; embedded: fsync) before
   * resolving. Records of one call to one topic keep their order per key.
   */
  publish(topic: string, records: BusRecord[]): Promise<void>;
  /**
   * Resolves once the subscription consumes: a record published after that reaches the group,
   * even a new group that starts at the end (`fromBeginning: false`).
   */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Reads every record of a topic from the beginning up to its current end, without a
   * consumer group (used by rebuilds and replays). Calls `visit` in partition order.
   */
  readAll(topic: string, visit: (record: ConsumedRecord) => Promise<void> | void): Promise<void>;
  close(): Promise<void>;
}
