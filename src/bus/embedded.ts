// The bus in-process, on files: for a single Brygga instance without Kafka. Scaling out to
// several instances needs Kafka; two processes must never open one data dir.
//
// Layout under dataDir: topics/ holds each topic's partitions, one file each with one JSON line
// per record (embedded-topic.ts, partition-log.ts); a record goes to its key's partition, so one
// key stays in order. groups/<groupId>.json holds a group's next offset per topic and partition
// (embedded-group.ts). Retention (TopicSpec) drops whole records from each partition's head.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Bus, BusRecord, ConsumedRecord, SubscribeOptions, Subscription, TopicSpec } from './bus.ts';
import { Group } from './embedded-group.ts';
import { checkTopicName, createTopic, Topic } from './embedded-topic.ts';
import { READ_BATCH } from './partition-log.ts';

export interface EmbeddedBusOptions {
  dataDir: string;
  logger: Logger;
  /** How often age-based retention is applied (also at ensureTopics); default 5 minutes, as Kafka. */
  retentionCheckMs?: number;
  /** Called once the bus is closed (the composition root releases the data dir's lock). */
  onClose?: () => void;
  /** Commit lines a consumer group appends before folding them into its offsets file; default 10,000. */
  commitLinesBeforeFold?: number;
}

export class EmbeddedBus implements Bus {
  private readonly log: Logger;
  private readonly topicsDir: string;
  private readonly groupsDir: string;
  private dirsReady?: Promise<void>;
  private readonly topics = new Map<string, Promise<Topic>>();
  private readonly groups = new Map<string, Promise<Group>>();
  private readonly appended = new EventEmitter();
  private readonly retentionTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: EmbeddedBusOptions) {
    this.log = options.logger.child({ component: 'bus', adapter: 'embedded' });
    this.topicsDir = join(options.dataDir, 'topics');
    this.groupsDir = join(options.dataDir, 'groups');
    this.appended.setMaxListeners(0);
    this.retentionTimer = setInterval(() => void this.enforceRetention(), options.retentionCheckMs ?? 300_000).unref();
  }

  /**
   * Creates missing topics with the spec's partitions (an existing topic keeps its own); the
   * retention of every spec applies to its topic from now on.
   */
  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    await this.dirs();
    for (const { name, partitions } of topics) {
      checkTopicName(name);
      await createTopic(this.topicsDir, name, partitions);
    }
    for (const spec of topics) {
      const retention = { ms: spec.retentionMs, bytes: spec.retentionBytes ?? -1 };
      if (retention.ms < 0 && retention.bytes < 0) continue;
      const topic = await this.topic(spec.name);
      topic.retention = retention;
      await topic.enforceRetention();
    }
  }

  async removedByRetention(topic: string): Promise<number> {
    return (await this.topic(topic)).removed;
  }

  async publish(topic: string, records: BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    await (await this.topic(topic)).append(records);
    this.appended.emit('append', topic);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const topics = await Promise.all(options.topics.map((t) => this.topic(t)));
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = Group.load(options.groupId, this.groupFile(options.groupId), this.log, this.options.commitLinesBeforeFold);
      this.groups.set(options.groupId, group);
      group.catch(() => this.groups.delete(options.groupId));
    }
    const member = (await group).join(options, topics);
    const onAppend = (topic: string): void => {
      if (options.topics.includes(topic)) member.group.wake();
    };
    this.appended.on('append', onAppend);
    let stopped: Promise<void> | undefined;
    return {
      stop: () => {
        this.appended.off('append', onAppend);
        stopped ??= member.leave();
        return stopped;
      },
      ended: member.group.ended,
    };
  }

  async readAll(topic: string, visit: (record: ConsumedRecord) => Promise<void> | void): Promise<void> {
    for (const partition of (await this.topic(topic)).partitions) {
      const end = partition.end;
      for (let from = partition.first; from < end; ) {
        const records = await partition.read(from, Math.min(end, from + READ_BATCH));
        for (const record of records) await visit(record);
        // Retention may have dropped records meanwhile: go on after what was read.
        from = records.length > 0 ? Number(records[records.length - 1]!.offset) + 1 : Math.max(from + READ_BATCH, partition.first);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.retentionTimer);
    this.appended.removeAllListeners();
    try {
      await Promise.allSettled([...this.groups.values()].map(async (g) => (await g).close()));
      await Promise.allSettled([...this.topics.values()].map(async (t) => (await t).close()));
    } finally {
      this.options.onClose?.();
    }
  }

  private async enforceRetention(): Promise<void> {
    if (this.closed) return;
    for (const pending of [...this.topics.values()]) await (await pending.catch(() => undefined))?.enforceRetention();
  }

  private topic(name: string): Promise<Topic> {
    this.assertOpen();
    checkTopicName(name);
    let topic = this.topics.get(name);
    if (!topic) {
      topic = this.dirs().then(() => Topic.open(this.topicsDir, name, this.log));
      this.topics.set(name, topic);
      topic.catch(() => this.topics.delete(name));
    }
    return topic;
  }

  private dirs(): Promise<void> {
    this.dirsReady ??= Promise.all([mkdir(this.topicsDir, { recursive: true }), mkdir(this.groupsDir, { recursive: true })]).then(() => {});
    return this.dirsReady;
  }

  private groupFile(groupId: string): string {
    return join(this.groupsDir, `${encodeURIComponent(groupId)}.json`);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('embedded bus is closed');
  }
}
