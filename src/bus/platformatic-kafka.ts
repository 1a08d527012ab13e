// The bus on Apache Kafka via @platformatic/kafka, a pure-JS client (Kafka 3.5 to 4.x), beside
// kafka.ts on kafkajs: same options, topics, partitioning and guarantees, so either serves a
// deployment (BRYGGA_KAFKA_CLIENT) and the two can be measured against each other.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Admin, Consumer, ListOffsetTimestamps, Producer, ProduceAcks, compatibilityPartitioner, findErrorBy, stringDeserializer, stringSerializer,
  type BaseOptions, type Message, type MessageToProduce, type MessagesStream,
} from '@platformatic/kafka';
import type { Logger } from 'pino';
import type { Bus, BusRecord, ConsumedRecord, SubscribeOptions, Subscription, TopicSpec } from './bus.ts';
import { handleBatch } from './batch.ts';
import { GroupCommit } from './group-commit.ts';
import type { KafkaBusOptions } from './kafka.ts';
import { KafkaNames, headersToStrings, topicConfig } from './kafka-shared.ts';

type Outgoing = MessageToProduce<string, Buffer, string, string>;
type Incoming = Message<string, Buffer, string, string>;
type Stream = MessagesStream<string, Buffer, string, string>;

const DESERIALIZERS = { key: stringDeserializer, headerKey: stringDeserializer, headerValue: stringDeserializer };
// A shorter session than Kafka's default: a crashed instance's partitions move on within 10 s.
// Requests may wait that long too: a JoinGroup waits for the members of a rebalance.
const GROUP = { sessionTimeout: 10_000, rebalanceTimeout: 30_000, heartbeatInterval: 1_000, timeout: 15_000 } as const;
const MAX_WAIT_MS = 1_000;
const LEADERS_TIMEOUT_MS = 30_000;

export class PlatformaticKafkaBus implements Bus {
  private readonly log: Logger;
  private readonly names: KafkaNames;
  private readonly client: BaseOptions;
  private admin?: Admin;
  private producer?: Producer<string, Buffer, string, string>;
  private readonly members = new Set<GroupMember>();
  private readonly readers = new Set<Consumer<string, Buffer, string, string>>();
  private readonly outgoing: GroupCommit<Outgoing>;

  constructor(private readonly options: KafkaBusOptions) {
    this.names = new KafkaNames(options.namespace);
    this.log = options.logger.child({ component: 'bus', adapter: 'platformatic-kafka' });
    this.client = { clientId: options.clientId, bootstrapBrokers: options.brokers };
    this.outgoing = new GroupCommit((items) => this.produce(items), options.lingerMs ?? 1);
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    const admin = this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = topics.map((t) => ({ ...t, name: this.names.onCluster(t.name) })).filter((t) => !existing.has(t.name));
    if (missing.length === 0) return;
    // One request a topic: the settings of a CreateTopics call go to all its topics.
    for (const t of missing) {
      const retention = Number.isFinite(t.retentionMs) ? t.retentionMs : this.options.defaultRetentionMs;
      const partitions = t.partitions > 0 ? t.partitions : (this.options.defaultPartitions ?? 1);
      try {
        // -1 asks the broker for its default.replication.factor.
        await admin.createTopics({ topics: [{ topic: t.name, partitions, replicas: this.options.replicationFactor ?? -1 }], configs: topicConfig(retention, t.retentionBytes, partitions) });
      } catch (err) {
        // Another instance created it meanwhile.
        if (!findErrorBy(err as Error, 'apiId', 'TOPIC_ALREADY_EXISTS')) throw err;
      }
    }
    await this.waitForLeaders(missing.map((t) => t.name));
    this.log.info({ topics: missing.map((t) => t.name) }, 'created topics');
  }

  async removedByRetention(topic: string): Promise<number> {
    const low = await this.partitionOffsets(this.names.onCluster(topic), ListOffsetTimestamps.EARLIEST);
    return low.reduce((sum, offset) => sum + Number(offset), 0);
  }

  async publish(topic: string, records: BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    const name = this.names.onCluster(topic);
    await this.outgoing.add(records.map((r) => ({ topic: name, key: r.key, value: r.value, headers: { ...r.headers } })));
  }

  /** One send for everything published meanwhile, messages in the order given. */
  private async produce(messages: Outgoing[]): Promise<void> {
    this.producer ??= new Producer({
      ...this.client,
      idempotent: true,
      acks: ProduceAcks.ALL,
      // Java's (and kafkajs's) key → partition mapping, so a key stays on its partition whichever client wrote it.
      partitioner: compatibilityPartitioner,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    });
    await this.producer.send({ messages });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const consumer = new Consumer<string, Buffer, string, string>({
      ...this.client, ...GROUP, groupId: this.names.onCluster(options.groupId), autocommit: false, maxWaitTime: this.options.fetchMaxWaitMs ?? MAX_WAIT_MS, deserializers: DESERIALIZERS,
    });
    const member = new GroupMember(consumer, options, {
      log: this.log.child({ groupId: options.groupId }),
      concurrency: this.options.partitionsConsumedConcurrently ?? 6,
      ownName: (clusterName) => this.names.own(clusterName),
      forget: () => this.members.delete(member),
    });
    this.members.add(member);
    try {
      await member.start(options.topics.map((t) => this.names.onCluster(t)), options.fromBeginning ?? true);
    } catch (err) {
      await member.stop();
      throw err;
    }
    return member;
  }

  async readAll(name: string, visit: (record: ConsumedRecord) => Promise<void> | void): Promise<void> {
    const topic = this.names.onCluster(name);
    const [low, high] = await Promise.all([this.partitionOffsets(topic, ListOffsetTimestamps.EARLIEST), this.partitionOffsets(topic, ListOffsetTimestamps.LATEST)]);
    const ends = new Map<number, bigint>();
    high.forEach((end, partition) => {
      if (end > low[partition]!) ends.set(partition, end);
    });
    if (ends.size === 0) return;

    // Fetching needs an assignment, so a throwaway group that never commits.
    const groupId = `${this.options.clientId}-readall-${randomUUID()}`;
    const consumer = new Consumer<string, Buffer, string, string>({ ...this.client, groupId, autocommit: false, maxWaitTime: MAX_WAIT_MS, deserializers: DESERIALIZERS });
    this.readers.add(consumer);
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      for await (const message of stream) {
        const end = ends.get(message.partition);
        if (end === undefined) continue;
        if (message.offset < end) await visit(toConsumed(name, message));
        if (message.offset + 1n >= end) ends.delete(message.partition);
        if (ends.size === 0) break;
      }
    } finally {
      await consumer.close(true).catch(() => {});
      this.readers.delete(consumer);
      await this.getAdmin().deleteGroups({ groups: [groupId] }).catch(() => {});
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.members].map((m) => m.stop()));
    await Promise.allSettled([...this.readers].map((c) => c.close(true)));
    const { producer, admin } = this;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.allSettled([producer?.close(), admin?.close()]);
  }

  private getAdmin(): Admin {
    this.admin ??= new Admin(this.client);
    return this.admin;
  }

  /** Each partition's earliest or latest offset, by partition number. */
  private async partitionOffsets(topic: string, timestamp: bigint): Promise<bigint[]> {
    const admin = this.getAdmin();
    const { partitionsCount } = (await admin.metadata({ topics: [topic] })).topics.get(topic)!;
    const partitions = Array.from({ length: partitionsCount }, (_, partitionIndex) => ({ partitionIndex, timestamp }));
    const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions }] });
    const offsets = new Array<bigint>(partitionsCount).fill(0n);
    for (const p of listed?.partitions ?? []) offsets[p.partitionIndex] = p.offset;
    return offsets;
  }

  /** CreateTopics answers before every partition has a leader; publishing needs one. */
  private async waitForLeaders(topics: string[]): Promise<void> {
    const deadline = Date.now() + LEADERS_TIMEOUT_MS;
    for (;;) {
      try {
        const metadata = await this.getAdmin().metadata({ topics, forceUpdate: true });
        if (topics.every((t) => metadata.topics.get(t)?.partitions.every((p) => p.leader >= 0))) return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} have no leader after ${LEADERS_TIMEOUT_MS} ms`);
      await sleep(100);
    }
  }
}

interface MemberContext {
  log: Logger;
  /** Partitions handled at once. */
  concurrency: number;
  ownName: (clusterName: string) => string;
  /** Called once the member is stopped or ended. */
  forget: () => void;
}

/** A partition this member owns, with the records fetched for it and not yet handed over. */
interface Owned {
  topic: string;
  partition: number;
  /** The generation the partition came to this member in; anything fetched before is stale. */
  since: number;
  /** The offset after the last record queued: a record fetched again after a rejoin is dropped. */
  next?: bigint;
  queued: Incoming[];
  /** Aborted when the partition goes to another member: its unfinished batch stays uncommitted. */
  revoked: AbortController;
  working?: Promise<void>;
}

/** Records a member holds at most before it stops fetching. */
const MAX_QUEUED = 2_000;

/**
 * One subscription: a consumer in its group, whose stream of records (all its partitions mixed)
 * is split per partition into batches that handleBatch works on, each partition's next batch
 * after its last is committed.
 */
class GroupMember implements Subscription {
  readonly ended: Promise<Error>;
  private end!: (reason: Error) => void;
  private readonly stopping = new AbortController();
  private stopped?: Promise<void>;
  private stream?: Stream;
  private readonly owned = new Map<string, Owned>();
  private queued = 0;
  /** Batches being handled, of partitions owned or just revoked. */
  private readonly working = new Set<Promise<void>>();
  private pumpScheduled = false;

  constructor(
    private readonly consumer: Consumer<string, Buffer, string, string>,
    private readonly options: SubscribeOptions,
    private readonly context: MemberContext,
  ) {
    this.ended = new Promise((resolve) => (this.end = resolve));
    consumer.on('consumer:group:join', ({ generationId, assignments }) => this.assign(generationId ?? 0, assignments ?? []));
    // A rejoin that failed for good: this member takes part in no generation any more.
    consumer.on('error', (err: Error) => this.fail(err));
  }

  /** Resolves once the member has its partitions and knows where to start in each. */
  start(topics: string[], fromBeginning: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.consumer.consume(
        { topics, mode: 'committed', fallbackMode: fromBeginning ? 'earliest' : 'latest', autocommit: false },
        (err, stream) => {
          if (err || !stream) return reject(err);
          this.stream = stream;
          stream.once('offsets', () => resolve());
          stream.on('data', (message) => this.take(message));
          stream.on('error', (error) => {
            reject(error);
            this.fail(error);
          });
          stream.on('close', () => this.fail(new Error('the consumer stream closed')));
        },
      );
    });
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutDown();
    return this.stopped;
  }

  private async shutDown(): Promise<void> {
    this.stopping.abort();
    this.stream?.pause();
    await Promise.allSettled(this.working);
    await this.consumer.close(true).catch((err: unknown) => this.context.log.warn({ err }, 'closing the consumer failed'));
    this.context.forget();
  }

  private fail(reason: Error): void {
    if (this.stopping.signal.aborted) return;
    this.context.log.error({ err: reason }, 'consumer stopped by itself');
    void this.stop().then(() => this.end(reason));
  }

  /** The partitions of a new generation: ones kept go on, ones gone are dropped unfinished. */
  private assign(generation: number, assignments: { topic: string; partitions: number[] }[]): void {
    const now = new Set(assignments.flatMap(({ topic, partitions }) => partitions.map((p) => key(topic, p))));
    for (const [k, owned] of this.owned) {
      if (now.has(k)) continue;
      owned.revoked.abort();
      this.queued -= owned.queued.length;
      this.owned.delete(k);
      // Where this stream had fetched to is not where the group is: should the partition come
      // back with nothing committed, start from the reset policy, not after unhandled records.
      this.stream?.offsetsToFetch.delete(k);
    }
    for (const { topic, partitions } of assignments) {
      for (const partition of partitions) {
        if (!this.owned.has(key(topic, partition))) {
          this.owned.set(key(topic, partition), { topic, partition, since: generation, queued: [], revoked: new AbortController() });
        }
      }
    }
    this.flowControl();
  }

  private take(message: Incoming): void {
    const owned = this.owned.get(key(message.topic, message.partition));
    if (!owned || generationOf(message) < owned.since) return;
    if (owned.next !== undefined && message.offset < owned.next) return;
    owned.next = message.offset + 1n;
    owned.queued.push(message);
    this.queued++;
    this.flowControl();
    // On the next turn, so that all a fetch brought for the partition makes one batch.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  private flowControl(): void {
    if (!this.stream || this.stopping.signal.aborted) return;
    if (this.queued >= MAX_QUEUED && !this.stream.isPaused()) this.stream.pause();
    else if (this.queued < MAX_QUEUED / 2 && this.stream.isPaused()) this.stream.resume();
  }

  private pump(): void {
    for (const owned of this.owned.values()) {
      if (this.working.size >= this.context.concurrency || this.stopping.signal.aborted) return;
      if (owned.working || owned.queued.length === 0) continue;
      const working = this.work(owned).finally(() => {
        this.working.delete(working);
        owned.working = undefined;
        // To the back of the line, so that partitions beyond the concurrency get their turn.
        const k = key(owned.topic, owned.partition);
        if (this.owned.get(k) === owned) {
          this.owned.delete(k);
          this.owned.set(k, owned);
        }
        this.pump();
      });
      this.working.add(working);
      owned.working = working;
    }
  }

  /** Hands what is queued for the partition over as one batch, then commits what was handled. */
  private async work(owned: Owned): Promise<void> {
    const batch = owned.queued.splice(0);
    this.queued -= batch.length;
    this.flowControl();
    const records = batch.map((m) => toConsumed(this.context.ownName(m.topic), m));
    const signal = AbortSignal.any([this.stopping.signal, owned.revoked.signal]);
    // Stopped or revoked part way: the records from the first unhandled one stay uncommitted, and
    // whoever owns the partition next gets them again.
    const handled = await handleBatch(records, { handler: this.options.handler, signal, log: this.context.log });
    if (handled === 0 || owned.revoked.signal.aborted) return;
    const last = batch[handled - 1]!;
    try {
      await this.consumer.commit({ offsets: [{ topic: last.topic, partition: last.partition, offset: last.offset + 1n, leaderEpoch: last.leaderEpoch }] });
    } catch (err) {
      // The records come again to whoever owns the partition next; handlers are idempotent.
      this.context.log.warn({ err, topic: owned.topic, partition: owned.partition }, 'commit failed');
    }
  }
}

function key(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

/** The group generation the consumer was in when it fetched the record. */
function generationOf(message: Incoming): number {
  const consumer = message.metadata.consumer as { generationId?: number } | undefined;
  return consumer?.generationId ?? 0;
}

function toConsumed(topic: string, message: Incoming): ConsumedRecord {
  return {
    topic,
    partition: message.partition,
    offset: message.offset.toString(),
    timestamp: Number(message.timestamp),
    key: message.key ?? '',
    value: message.value ?? Buffer.alloc(0),
    headers: headersToStrings(message.headers),
  };
}
