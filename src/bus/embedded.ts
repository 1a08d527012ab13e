// The bus in-process, on files: for a single Brygga instance without Kafka. Scaling out to
// several instances needs Kafka; two processes must never open one data dir.
//
// Layout under dataDir: topics/<topic>.log, one JSON line per record (partition 0 only, so the
// order is total, not merely per key), and groups/<groupId>.json with the group's next offset
// per topic. Retention is not applied: logs grow until removed by hand.
import { EventEmitter } from 'node:events';
import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Bus, BusRecord, ConsumedRecord, SubscribeOptions, Subscription, TopicSpec } from './bus.ts';
import { abortableSleep } from './sleep.ts';
import { fsyncDir, writeAtomically } from '../durable-file.ts';

export interface EmbeddedBusOptions {
  dataDir: string;
  logger: Logger;
}

const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 10_000;
const READ_BATCH = 64;
const TOPIC_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,249}$/;

interface StoredLine {
  offset: number;
  timestamp: number;
  key: string;
  headers: Record<string, string>;
  value: string;
}

export class EmbeddedBus implements Bus {
  private readonly log: Logger;
  private readonly topicsDir: string;
  private readonly groupsDir: string;
  private dirsReady?: Promise<void>;
  private readonly topics = new Map<string, Promise<TopicLog>>();
  private readonly groups = new Map<string, Promise<Group>>();
  private readonly appended = new EventEmitter();
  private closed = false;

  constructor(options: EmbeddedBusOptions) {
    this.log = options.logger.child({ component: 'bus', adapter: 'embedded' });
    this.topicsDir = join(options.dataDir, 'topics');
    this.groupsDir = join(options.dataDir, 'groups');
    this.appended.setMaxListeners(0);
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    await this.dirs();
    let created = false;
    for (const { name } of topics) {
      checkTopicName(name);
      try {
        await (await open(this.topicFile(name), 'wx')).close();
        created = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    if (created) await fsyncDir(this.topicsDir);
  }

  async publish(topic: string, records: BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    const log = await this.topic(topic);
    await log.append(records);
    this.appended.emit('append', topic);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    const logs = await Promise.all(options.topics.map((t) => this.topic(t)));
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = Group.load(options.groupId, this.groupFile(options.groupId), this.log);
      this.groups.set(options.groupId, group);
      group.catch(() => this.groups.delete(options.groupId));
    }
    const member = (await group).join(options, logs);
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
    };
  }

  async readAll(topic: string, visit: (record: ConsumedRecord) => Promise<void> | void): Promise<void> {
    const log = await this.topic(topic);
    const end = log.count;
    for (let from = 0; from < end; from += READ_BATCH) {
      for (const record of await log.read(from, Math.min(end, from + READ_BATCH))) await visit(record);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.appended.removeAllListeners();
    await Promise.allSettled([...this.groups.values()].map(async (g) => (await g).close()));
    await Promise.allSettled([...this.topics.values()].map(async (t) => (await t).close()));
  }

  private topic(name: string): Promise<TopicLog> {
    this.assertOpen();
    checkTopicName(name);
    let log = this.topics.get(name);
    if (!log) {
      log = this.dirs().then(() => TopicLog.open(name, this.topicFile(name), this.log));
      this.topics.set(name, log);
      log.catch(() => this.topics.delete(name));
    }
    return log;
  }

  private dirs(): Promise<void> {
    this.dirsReady ??= Promise.all([mkdir(this.topicsDir, { recursive: true }), mkdir(this.groupsDir, { recursive: true })]).then(() => {});
    return this.dirsReady;
  }

  private topicFile(name: string): string {
    return join(this.topicsDir, `${name}.log`);
  }

  private groupFile(groupId: string): string {
    return join(this.groupsDir, `${encodeURIComponent(groupId)}.json`);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('embedded bus is closed');
  }
}

/** One topic's append-only file and an index of where each record starts. */
class TopicLog {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly name: string,
    private readonly file: FileHandle,
    /** starts[i] is the byte position of record i; `size` ends the last one. */
    private readonly starts: number[],
    private size: number,
  ) {}

  static async open(name: string, path: string, log: Logger): Promise<TopicLog> {
    let file: FileHandle;
    try {
      file = await open(path, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`unknown topic ${name}: create it with ensureTopics`);
      throw err;
    }
    try {
      const { starts, size, validSize } = await scan(file);
      if (validSize < size) {
        // A crash during an append leaves an incomplete last line; that publish never resolved.
        log.warn({ topic: name, droppedBytes: size - validSize }, 'truncating a torn record at the end of the topic log');
        await file.truncate(validSize);
        await file.datasync();
      }
      return new TopicLog(name, file, starts, validSize);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  get count(): number {
    return this.starts.length;
  }

  append(records: BusRecord[]): Promise<void> {
    const run = this.tail.then(() => this.write(records));
    this.tail = run.catch(() => {});
    return run;
  }

  private async write(records: BusRecord[]): Promise<void> {
    const timestamp = Date.now();
    const lines = records.map((r, i) => {
      const line: StoredLine = { offset: this.count + i, timestamp, key: r.key, headers: r.headers, value: r.value.toString('base64') };
      return Buffer.from(`${JSON.stringify(line)}\n`);
    });
    const buffer = Buffer.concat(lines);
    try {
      for (let done = 0; done < buffer.length; ) {
        done += (await this.file.write(buffer, done, buffer.length - done, this.size + done)).bytesWritten;
      }
      await this.file.datasync();
    } catch (err) {
      await this.file.truncate(this.size).catch(() => {});
      throw err;
    }
    let position = this.size;
    for (const line of lines) {
      this.starts.push(position);
      position += line.length;
    }
    this.size = position;
  }

  /** Records [from, to), to at most `count`. */
  async read(from: number, to: number): Promise<ConsumedRecord[]> {
    if (from >= to) return [];
    const start = this.starts[from]!;
    const end = this.starts[to] ?? this.size;
    const buffer = Buffer.alloc(end - start);
    for (let done = 0; done < buffer.length; ) {
      const { bytesRead } = await this.file.read(buffer, done, buffer.length - done, start + done);
      if (bytesRead === 0) throw new Error(`topic log ${this.name} is shorter than its index`);
      done += bytesRead;
    }
    const out: ConsumedRecord[] = [];
    for (let i = from; i < to; i++) {
      const line = buffer.subarray(this.starts[i]! - start, (this.starts[i + 1] ?? this.size) - start - 1);
      out.push(toConsumed(this.name, JSON.parse(line.toString('utf8')) as StoredLine));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.file.close();
  }
}

/** Finds the line starts; `validSize` excludes a torn or unparsable tail. */
async function scan(file: FileHandle): Promise<{ starts: number[]; size: number; validSize: number }> {
  const starts: number[] = [];
  const chunk = Buffer.alloc(1 << 20);
  let position = 0;
  let lineStart = 0;
  for (;;) {
    const { bytesRead } = await file.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    for (let i = chunk.indexOf(10); i !== -1 && i < bytesRead; i = chunk.indexOf(10, i + 1)) {
      starts.push(lineStart);
      lineStart = position + i + 1;
    }
    position += bytesRead;
  }
  // A tail of garbage (e.g. zero-filled blocks after a power loss) can hold a newline too:
  // drop complete lines at the end until the last one parses with the expected offset.
  let validSize = lineStart;
  while (starts.length > 0) {
    const last = starts[starts.length - 1]!;
    const buffer = Buffer.alloc(validSize - last - 1);
    await file.read(buffer, 0, buffer.length, last);
    if (parsesAs(buffer, starts.length - 1)) break;
    starts.pop();
    validSize = last;
  }
  return { starts, size: position, validSize };
}

function parsesAs(line: Buffer, offset: number): boolean {
  try {
    return (JSON.parse(line.toString('utf8')) as StoredLine).offset === offset;
  } catch {
    return false;
  }
}

function toConsumed(topic: string, line: StoredLine): ConsumedRecord {
  return {
    topic,
    partition: 0,
    offset: String(line.offset),
    timestamp: line.timestamp,
    key: line.key,
    headers: line.headers,
    value: Buffer.from(line.value, 'base64'),
  };
}

interface Member {
  group: Group;
  topics: string[];
  handler: SubscribeOptions['handler'];
  stopping: AbortController;
  leave(): Promise<void>;
}

/**
 * A consumer group in this process. Like a Kafka group on single-partition topics: each topic
 * is delivered to one member (the earliest subscribed); the others stand by and take over from
 * the committed offset when it stops. One delivery loop per group, so a group's handler never
 * runs twice at once and a failing record holds up the group's other topics, as in kafkajs.
 */
class Group {
  private readonly members: Member[] = [];
  /** Next offset per topic: committed, or where a new group without commits starts. */
  private readonly positions = new Map<string, number>();
  private readonly logs = new Map<string, TopicLog>();
  private signalled = false;
  private waiter?: () => void;
  private inflight?: { member: Member; done: Promise<void> };
  private closed = false;
  private loop?: Promise<void>;
  private cursor = 0;

  private constructor(
    private readonly file: string,
    private readonly committed: Record<string, number>,
    private readonly log: Logger,
  ) {
    for (const [topic, next] of Object.entries(committed)) this.positions.set(topic, next);
  }

  static async load(id: string, file: string, log: Logger): Promise<Group> {
    let committed: Record<string, number> = {};
    try {
      committed = JSON.parse(await readFile(file, 'utf8')) as Record<string, number>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new Group(file, committed, log.child({ groupId: id }));
  }

  join(options: SubscribeOptions, logs: TopicLog[]): Member {
    for (const log of logs) {
      this.logs.set(log.name, log);
      if (!this.positions.has(log.name)) this.positions.set(log.name, options.fromBeginning === false ? log.count : 0);
    }
    const member: Member = {
      group: this,
      topics: [...options.topics],
      handler: options.handler,
      stopping: new AbortController(),
      leave: async () => {
        member.stopping.abort();
        this.members.splice(this.members.indexOf(member), 1);
        this.wake();
        if (this.inflight?.member === member) await this.inflight.done;
      },
    };
    this.members.push(member);
    this.loop ??= this.run();
    this.wake();
    return member;
  }

  wake(): void {
    this.signalled = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const m of [...this.members]) m.stopping.abort();
    this.members.length = 0;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      this.signalled = false;
      const work = this.nextWork();
      if (!work) {
        if (!this.signalled) await new Promise<void>((resolve) => (this.waiter = resolve));
        continue;
      }
      const { member, log, from } = work;
      try {
        for (const record of await log.read(from, Math.min(log.count, from + READ_BATCH))) {
          if (this.owner(log.name) !== member || member.stopping.signal.aborted) break;
          const done = this.deliver(member, record);
          this.inflight = { member, done: done.then(() => {}, () => {}) };
          const delivered = await done.finally(() => (this.inflight = undefined));
          if (!delivered) break;
        }
      } catch (err) {
        // Reading or committing failed (disk): back off rather than spin, then retry.
        this.log.error({ topic: log.name, err }, 'embedded delivery loop failed; retrying');
        await abortableSleep(BACKOFF_MAX_MS, member.stopping.signal);
      }
    }
  }

  /** Round-robin over the topics with undelivered records and a member to take them. */
  private nextWork(): { member: Member; log: TopicLog; from: number } | undefined {
    const topics = [...this.logs.keys()];
    for (let i = 0; i < topics.length; i++) {
      const topic = topics[(this.cursor + i) % topics.length]!;
      const member = this.owner(topic);
      const log = this.logs.get(topic)!;
      const from = this.positions.get(topic) ?? 0;
      if (member && from < log.count) {
        this.cursor = (this.cursor + i + 1) % topics.length;
        return { member, log, from };
      }
    }
    return undefined;
  }

  private owner(topic: string): Member | undefined {
    return this.members.find((m) => m.topics.includes(topic));
  }

  /** Retries the handler with backoff until it succeeds (then commits) or the member stops. */
  private async deliver(member: Member, record: ConsumedRecord): Promise<boolean> {
    const where = { topic: record.topic, partition: 0, offset: record.offset, key: record.key };
    for (let attempt = 1, delay = BACKOFF_START_MS; ; attempt++, delay = Math.min(delay * 2, BACKOFF_MAX_MS)) {
      if (member.stopping.signal.aborted) return false;
      try {
        await member.handler(record);
        break;
      } catch (err) {
        // Never the record's value: it can carry personal data.
        this.log.error({ ...where, attempt, retryInMs: delay, err }, 'handler failed; retrying the same record');
      }
      await abortableSleep(delay, member.stopping.signal);
    }
    await this.commit(record.topic, Number(record.offset) + 1);
    return true;
  }

  private async commit(topic: string, next: number): Promise<void> {
    this.committed[topic] = next;
    await writeAtomically(this.file, JSON.stringify(this.committed));
    this.positions.set(topic, next);
  }
}



function checkTopicName(name: string): void {
  if (!TOPIC_NAME.test(name)) throw new Error(`invalid topic name ${JSON.stringify(name)}`);
}
