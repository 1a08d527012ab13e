// The bus on Apache Kafka, via kafkajs (tested against Kafka 4.x and 3.9; see README, Kafka client).
import { randomUUID } from 'node:crypto';
import kafkajs, { Kafka, Partitioners, logLevel, type Admin, type Consumer, type EachBatchPayload, type IHeaders, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Bus, BusRecord, ConsumedRecord, SubscribeOptions, Subscription, TopicSpec } from './bus.ts';
import { handleBatch } from './batch.ts';
import { GroupCommit } from './group-commit.ts';
import { KafkaOffsets } from './kafka-offsets.ts';
import { fixRequestQueueTimer, PATCHED_KAFKAJS_VERSION } from './kafkajs-request-queue.ts';
import { abortableSleep } from './sleep.ts';

// Node's ESM loader does not see this one among kafkajs's (CommonJS) named exports.
const { ConfigResourceTypes } = kafkajs;
const requestQueueFixed = fixRequestQueueTimer();

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Partitions for a TopicSpec whose `partitions` is not a positive number. Default 1. */
  defaultPartitions?: number;
  /**
   * Put before every topic name and consumer group, so several deployments (or test runs) share
   * one cluster without seeing each other's records, e.g. `vellinge.`. Default none.
   */
  namespace?: string;
  /** retention.ms for a TopicSpec whose `retentionMs` is not a finite number; else the broker's. */
  defaultRetentionMs?: number;
  /** Replicas of each topic Brygga creates. Default: the broker's `default.replication.factor`. */
  replicationFactor?: number;
  /** Partitions a member consumes at once. Default 6 (Brygga's default partitions per topic). */
  partitionsConsumedConcurrently?: number;
  /** How long a publish waits for others to share its produce request. Default 1 ms. */
  lingerMs?: number;
  /**
   * How long the broker may hold a fetch when nothing is there (fetch.max.wait.ms); it answers as
   * soon as a record arrives. Shorter costs idle CPU (every stage polls): default 100 ms.
   */
  fetchMaxWaitMs?: number;
  /** How often a consumer commits the offsets it has handled (src/bus/kafka-offsets.ts). Default 250 ms. */
  commitIntervalMs?: number;
}

const DEFAULT_FETCH_MAX_WAIT_MS = 100;
const DEFAULT_COMMIT_INTERVAL_MS = 250;
/** Heartbeat well within the 10 s session timeout while a record is retried. */
const HEARTBEAT_SLICE_MS = 1_000;
const JOIN_TIMEOUT_MS = 60_000;

/** The namespace (KafkaBusOptions.namespace) put before every topic and consumer group. */
class KafkaNames {
  constructor(private readonly prefix = '') {}

  /** A topic's or group's name on the cluster. */
  onCluster(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** A topic's name as Brygga knows it. */
  own(clusterName: string): string {
    return clusterName.slice(this.prefix.length);
  }
}

export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly log: Logger;
  private readonly names: KafkaNames;
  private admin?: Promise<Admin>;
  private producer?: Promise<Producer>;
  private readonly consumers = new Set<Consumer>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly outgoing: GroupCommit<{ topic: string; message: Message }>;

  constructor(private readonly options: KafkaBusOptions) {
    this.names = new KafkaNames(options.namespace);
    this.log = options.logger.child({ component: 'bus', adapter: 'kafka' });
    if (!requestQueueFixed) this.log.warn({ expected: PATCHED_KAFKAJS_VERSION }, 'kafkajs is not the release src/bus/kafkajs-request-queue.ts fixes: its connections may keep a 1 ms timer going (idle CPU)');
    const kafkaLog = this.log.child({ lib: 'kafkajs' });
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => ({ namespace, level, log }) => {
        const { message, timestamp: _t, logger: _l, ...extra } = log;
        const fields = { namespace, ...extra };
        // Connection logs every error response (a rebalance heartbeat too) at error level;
        // the layers above retry them and log what is really a failure.
        if (level === logLevel.ERROR && namespace !== 'Connection') kafkaLog.error(fields, message);
        else if (level <= logLevel.WARN) kafkaLog.warn(fields, message);
      },
    });
    this.outgoing = new GroupCommit((items) => this.produce(items), options.lingerMs ?? 1);
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const onCluster = topics.map((t) => ({ ...t, name: this.names.onCluster(t.name) }));
    await this.warnOfSmallRecordLimits(admin, onCluster.filter((t) => existing.has(t.name)));
    const missing = onCluster.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => {
          const retention = Number.isFinite(t.retentionMs) ? t.retentionMs : this.options.defaultRetentionMs;
          const numPartitions = t.partitions > 0 ? t.partitions : (this.options.defaultPartitions ?? 1);
          // -1 asks the broker for its default.replication.factor.
          return { topic: t.name, numPartitions, replicationFactor: this.options.replicationFactor ?? -1, configEntries: topicConfig(retention, t.retentionBytes, numPartitions, t.maxRecordBytes) };
        }),
      });
    } catch (err) {
      // Created, but the broker's metadata lags behind (seen on Kafka 3.9 under load), and kafkajs
      // gives up waiting for the leaders at once: wait for them here instead.
      if (errorType(err) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
      await waitForLeaders(admin, missing.map((t) => t.name), err);
    }
    this.log.info({ topics: missing.map((t) => t.name) }, 'created topics');
  }

  /**
   * A topic from before Brygga set `max.message.bytes` (or set by hand) may refuse the largest
   * records Brygga writes. Brygga only creates topics, so it says what to run instead.
   */
  private async warnOfSmallRecordLimits(admin: Admin, topics: TopicSpec[]): Promise<void> {
    const checked = topics.filter((t) => t.maxRecordBytes !== undefined);
    if (checked.length === 0) return;
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: checked.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name, configNames: ['max.message.bytes'] })),
    });
    for (const t of checked) {
      const limit = Number(resources.find((r) => r.resourceName === t.name)?.configEntries[0]?.configValue);
      if (!(limit < t.maxRecordBytes!)) continue;
      this.log.warn(
        { topic: t.name, maxMessageBytes: limit, needed: t.maxRecordBytes, fix: `kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name ${t.name} --add-config max.message.bytes=${t.maxRecordBytes}` },
        'topic refuses records as large as Brygga may write (a dead letter of a body up to maxBodyBytes): raise its max.message.bytes',
      );
    }
  }

  async removedByRetention(topic: string): Promise<number> {
    const offsets = await (await this.getAdmin()).fetchTopicOffsets(this.names.onCluster(topic));
    return offsets.reduce((sum, p) => sum + Number(p.low), 0);
  }

  async publish(topic: string, records: BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    const name = this.names.onCluster(topic);
    await this.outgoing.add(records.map((r) => ({ topic: name, message: { key: r.key, value: r.value, headers: { ...r.headers } } })));
  }

  /**
   * Everything published meanwhile, in the order given, in produce requests of at most
   * PRODUCE_REQUEST_BYTES (a record larger than that in one of its own): kafkajs sends a
   * partition's records of one request as one batch, and the broker refuses a batch over the
   * topic's max.message.bytes. A request failing after an earlier one went through fails the
   * whole group: its callers publish again, and the records already written are read twice
   * (harmless: every stage is idempotent by event id).
   */
  private async produce(items: { topic: string; message: Message }[]): Promise<void> {
    const producer = await this.getProducer();
    for (const request of byRequestSize(items)) {
      const byTopic = new Map<string, Message[]>();
      for (const { topic, message } of request) {
        const messages = byTopic.get(topic);
        if (messages) messages.push(message);
        else byTopic.set(topic, [message]);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    // A shorter session than Kafka's 30 s default: a crashed instance's partitions move on within
    // 10 s instead of waiting half a minute.
    const consumer = this.kafka.consumer({
      groupId: this.names.onCluster(options.groupId), allowAutoTopicCreation: false, maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? DEFAULT_FETCH_MAX_WAIT_MS, sessionTimeout: 10_000, heartbeatInterval: 1_000,
    });
    this.consumers.add(consumer);
    const stopping = new AbortController();
    const log = this.log.child({ groupId: options.groupId });
    const offsets = new KafkaOffsets({
      commit: (o) => consumer.commitOffsets(o), intervalMs: this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS, log,
      topicName: (t) => this.names.own(t), isGone: (err) => errorType(err) === 'UNKNOWN_TOPIC_OR_PARTITION',
    });

    // Batches under way: stop() lets them finish and commit what they handled before it leaves.
    const inflight = new Set<Promise<void>>();
    const eachBatch = (payload: EachBatchPayload): Promise<void> => {
      const run = handleAndCommit(payload);
      inflight.add(run);
      return run.finally(() => inflight.delete(run));
    };
    const handleAndCommit = async ({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> => {
      const { topic, partition } = batch;
      const unhandled = offsets.unhandled(topic, partition, batch.messages, batch.highWatermark);
      if (unhandled.length === 0) {
        resolveOffset(batch.lastOffset());
        return;
      }
      const records = unhandled.map((message) => toConsumed(this.names.own(topic), partition, message));
      // Stopping: what is handled is committed, what is unfinished is not. The partition moved to
      // another member in a rebalance (stale): nothing is committed, and whoever owns the
      // partition next gets the batch again. The member
      // heartbeats while its batch makes progress; a handler stuck for a whole session gets it
      // evicted, and the supervisor subscribes again.
      const stale = new AbortController();
      let progressed = false;
      const staleness = setInterval(() => {
        if (!isRunning() || isStale()) stale.abort();
        else if (progressed) heartbeat().catch(() => stale.abort());
        progressed = false;
      }, HEARTBEAT_SLICE_MS);
      try {
        const signal = AbortSignal.any([stopping.signal, stale.signal]);
        const handled = await handleBatch(records, {
          handler: options.handler, signal, log,
          pause: (ms, s) => sleepWithHeartbeat(ms, heartbeat, s),
          onProgress: () => (progressed = true),
        });
        if (handled === 0 || stale.signal.aborted) return;
        const last = records[handled - 1]!.offset;
        resolveOffset(last);
        offsets.handled(topic, partition, (BigInt(last) + 1n).toString());
      } finally {
        clearInterval(staleness);
      }
    };

    let end!: (reason: Error) => void;
    const ended = new Promise<Error>((resolve) => (end = resolve));
    // Before kafkajs rejoins (and restarts its partitions at the committed offsets) and after.
    consumer.on(consumer.events.REBALANCING, () => void offsets.flush());
    consumer.on(consumer.events.GROUP_JOIN, (e) => offsets.keepOnly(e.payload.memberAssignment));
    consumer.on(consumer.events.CRASH, (e) => {
      log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
      // Without a restart kafkajs has given this consumer up for good: so are its offsets (one
      // last try; the supervisor's next consumer starts at what is committed and skips nothing).
      if (!e.payload.restart && !stopping.signal.aborted) {
        void offsets.close();
        end(e.payload.error);
      }
    });
    const joined = waitForJoin(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics.map((t) => this.names.onCluster(t)), fromBeginning: options.fromBeginning ?? true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 6, eachBatch });
      // Resolve only once this member has its partitions and has resolved where to start in
      // them, so records published after subscribe() returns are seen even by a group that
      // starts at the latest offset.
      await joined.promise;
    } catch (err) {
      joined.cancel();
      this.consumers.delete(consumer);
      await consumer.disconnect().catch(() => {});
      throw err;
    }

    let stopped: Promise<void> | undefined;
    const subscription: Subscription = {
      ended,
      stop: () => {
        stopped ??= (async () => {
          stopping.abort();
          await Promise.allSettled([...inflight]);
          await offsets.close();
          await consumer.disconnect();
          this.consumers.delete(consumer);
          this.subscriptions.delete(subscription);
        })();
        return stopped;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async readAll(name: string, visit: (record: ConsumedRecord) => Promise<void> | void): Promise<void> {
    const topic = this.names.onCluster(name);
    const admin = await this.getAdmin();
    const ends = new Map<number, bigint>();
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
    if (ends.size === 0) return;

    // kafkajs has no manual partition assignment, so a throwaway group that never commits.
    const groupId = `${this.options.clientId}-readall-${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
    this.consumers.add(consumer);
    let failure: unknown;
    const done = Promise.withResolvers<void>();
    const finish = (partition: number): void => {
      consumer.pause([{ topic, partitions: [partition] }]);
      ends.delete(partition);
      if (ends.size === 0) done.resolve();
    };
    consumer.on(consumer.events.CRASH, (e) => {
      if (e.payload.restart) return;
      failure ??= e.payload.error;
      done.resolve();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const end = ends.get(partition);
          if (failure !== undefined || end === undefined) return;
          const offset = BigInt(message.offset);
          if (offset < end) {
            try {
              await visit(toConsumed(name, partition, message));
            } catch (err) {
              failure = err;
              done.resolve();
              return;
            }
          }
          if (offset + 1n >= end) finish(partition);
        },
      });
      await done.promise;
    } finally {
      await consumer.disconnect().catch(() => {});
      this.consumers.delete(consumer);
      await admin.deleteGroups([groupId]).catch(() => {});
    }
    if (failure !== undefined) throw failure;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.allSettled([producer?.then((p) => p.disconnect()), admin?.then((a) => a.disconnect())]);
  }

  private getAdmin(): Promise<Admin> {
    this.admin ??= connectOrForget(this.kafka.admin(), () => (this.admin = undefined));
    return this.admin;
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= connectOrForget(
      this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner }),
      () => (this.producer = undefined),
    );
    return this.producer;
  }
}

/** Below the 1 MiB a topic takes unless told otherwise (a topic from before Brygga set it). */
const PRODUCE_REQUEST_BYTES = 512 * 1024;

/** Consecutive runs of items of at most PRODUCE_REQUEST_BYTES (keys, values and headers). */
function byRequestSize<T extends { message: Message }>(items: T[]): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = messageBytes(item.message);
    if (current.length > 0 && bytes + size > PRODUCE_REQUEST_BYTES) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

function messageBytes({ key, value, headers }: Message): number {
  let bytes = byteLength(key) + byteLength(value);
  for (const [name, header] of Object.entries(headers ?? {})) bytes += name.length + byteLength(header as string | Buffer | undefined);
  return bytes;
}

function byteLength(data: string | Buffer | null | undefined): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : (data?.length ?? 0);
}

/** Connects a client; a failed connect is forgotten so the next call tries afresh. */
async function connectOrForget<T extends { connect(): Promise<void> }>(client: T, forget: () => void): Promise<T> {
  try {
    await client.connect();
    return client;
  } catch (err) {
    forget();
    throw err;
  }
}

function toConsumed(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key: message.key?.toString('utf8') ?? '',
    value: message.value ?? Buffer.alloc(0),
    headers: headersToStrings(message.headers),
  };
}

/** Headers as Brygga's strings; of a header sent more than once, the last value counts. */
function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}

/** The Kafka error code name of a kafkajs error, or of the error it wraps. */
function errorType(err: unknown): string | undefined {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined; e; e = (e.cause ?? e.originalError) as typeof e) {
    if (e.type) return e.type;
  }
  return undefined;
}

async function waitForLeaders(admin: Admin, topics: string[], failure: unknown): Promise<void> {
  const until = Date.now() + JOIN_TIMEOUT_MS;
  while (Date.now() < until) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.length === topics.length && found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (errorType(err) !== 'UNKNOWN_TOPIC_OR_PARTITION' && errorType(err) !== 'LEADER_NOT_AVAILABLE') throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw failure;
}

/** Waits `ms`, heartbeating meanwhile so a long retry does not get the member evicted. */
async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>, signal: AbortSignal): Promise<void> {
  for (let left = ms; left > 0 && !signal.aborted; left -= HEARTBEAT_SLICE_MS) {
    await abortableSleep(Math.min(left, HEARTBEAT_SLICE_MS), signal);
    // A rebalance error thrown here ends the retry; kafkajs rejoins and the record, still
    // uncommitted, is delivered again to whichever member owns the partition then.
    if (!signal.aborted) await heartbeat();
  }
}

function waitForJoin(consumer: Consumer): { promise: Promise<void>; cancel: () => void } {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const timer = setTimeout(() => reject(new Error(`consumer did not join its group within ${JOIN_TIMEOUT_MS} ms`)), JOIN_TIMEOUT_MS);
  let joined = false;
  const off = [
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      joined = true;
      // A member without partitions does not fetch at all.
      if (Object.values(e.payload.memberAssignment).every((partitions) => partitions.length === 0)) resolve();
    }),
    // kafkajs resolves the start offsets (latest, for a new group) in its first fetch.
    consumer.on(consumer.events.FETCH, () => {
      if (joined) resolve();
    }),
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart) reject(e.payload.error);
    }),
  ];
  const cancel = (): void => {
    clearTimeout(timer);
    off.forEach((remove) => remove());
  };
  promise.then(cancel, cancel);
  return { promise, cancel };
}

const SEGMENT_MIN_BYTES = 16 * 1024 * 1024;
const SEGMENT_MAX_BYTES = 1024 * 1024 * 1024;
const SEGMENT_MAX_MS = 7 * 24 * 3600 * 1000;

/**
 * Topic settings for a retention and the largest record. Kafka deletes whole closed segments
 * only, so a bounded topic gets segments of an eighth of what a partition keeps (at least 16 MiB
 * and the largest record, which Kafka refuses in a smaller segment): the topic then holds at most
 * about an eighth more than asked.
 */
function topicConfig(retentionMs: number | undefined, retentionBytes: number | undefined, partitions: number, maxRecordBytes: number | undefined): { name: string; value: string }[] {
  const entries: { name: string; value: string }[] = [];
  if (maxRecordBytes !== undefined) entries.push({ name: 'max.message.bytes', value: String(maxRecordBytes) });
  if (retentionMs !== undefined) {
    entries.push({ name: 'retention.ms', value: String(retentionMs) });
    if (retentionMs > 0) entries.push({ name: 'segment.ms', value: String(Math.min(SEGMENT_MAX_MS, Math.max(60_000, Math.floor(retentionMs / 8)))) });
  }
  if (retentionBytes !== undefined && retentionBytes >= 0) {
    const perPartition = Math.ceil(retentionBytes / partitions);
    entries.push({ name: 'retention.bytes', value: String(perPartition) });
    entries.push({ name: 'segment.bytes', value: String(Math.max(maxRecordBytes ?? 0, Math.min(SEGMENT_MAX_BYTES, Math.max(SEGMENT_MIN_BYTES, Math.floor(perPartition / 8))))) });
  }
  return entries;
}
