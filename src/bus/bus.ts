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
}

export interface SubscribeOptions {
  /** Consumer group: instances sharing a group share the partitions (scale-out). */
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts. Default: earliest. */
  fromBeginning?: boolean;
  /**
   * Called once per record, in partition order. The record's offset is committed only after
   * the returned promise resolves (at-least-once). A rejection is retried with backoff by the
   * adapter and never commits past the failed record, so handlers must be idempotent.
   */
  handler: (record: ConsumedRecord) => Promise<void>;
}

export interface Subscription {
  /** Stops consuming; resolves once no handler is running. Committed offsets stay. */
  stop(): Promise<void>;
}

export interface Bus {
  /** Creates the topics that are missing; existing ones are left as they are. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
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
