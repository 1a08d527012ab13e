// The bus in-process, on files: for a single Brygga instance without Kafka. Scaling out to
// several instances needs Kafka; two processes must never open one data dir.
//
// Layout under dataDir: topics/<topic>.log, one JSON line per record (partition 0 only; stages
// see the order per key, see batch.ts), and groups/<groupId>.json with the group's next offset
// per topic. A topic's retention (TopicSpec) drops whole records from the head by rewriting the
// file; every line holds its offset, so offsets stay stable and the first line gives the first.
import { EventEmitter } from 'node:events';
import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Bus, BusRecord, ConsumedRecord, SubscribeOptions, Subscription, TopicSpec } from './bus.ts';
import { handleBatch } from './batch.ts';
import { GroupCommit } from './group-commit.ts';
import { abortableSleep } from './sleep.ts';
import { fsyncDir, writeAtomically } from '../durable-file.ts';

export interface EmbeddedBusOptions {
  dataDir: string;
  logger: Logger;
  /** How often age-based retention is applied (also at ensureTopics); default 5 minutes, as Kafka. */
  retentionCheckMs?: number;
  /** Called once the bus is closed (the composition root releases the data dir's lock). */
  onClose?: () => void;
}

const BACKOFF_MAX_MS = 10_000;
/** Records read at once, and handed to a stage as one batch (one commit). */
const READ_BATCH = 512;
/** Trimming for size goes below the limit by a tenth, so the file is rewritten once per 10 % growth. */
const TRIM_TO = 0.9;
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
  private readonly retentionTimer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: EmbeddedBusOptions) {
    this.log = options.logger.child({ component: 'bus', adapter: 'embedded' });
    this.topicsDir = join(options.dataDir, 'topics');
    this.groupsDir = join(options.dataDir, 'groups');
    this.appended.setMaxListeners(0);
    this.retentionTimer = setInterval(() => void this.enforceRetention(), options.retentionCheckMs ?? 300_000).unref();
  }

  /** Creates missing topics; the retention of every spec applies to its topic from now on. */
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
    for (const spec of topics) {
      const retention = { ms: spec.retentionMs, bytes: spec.retentionBytes ?? -1 };
      if (retention.ms < 0 && retention.bytes < 0) continue;
      const log = await this.topic(spec.name);
      log.retention = retention;
      await log.enforceRetention();
    }
  }

  async removedByRetention(topic: string): Promise<number> {
    return (await this.topic(topic)).first;
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
      ended: member.group.ended,
    };
  }

  async readAll(topic: string, visit: (record: ConsumedRecord) => Promise<void> | void): Promise<void> {
    const log = await this.topic(topic);
    const end = log.end;
    for (let from = log.first; from < end; ) {
      const records = await log.read(from, Math.min(end, from + READ_BATCH));
      for (const record of records) await visit(record);
      // Retention may have dropped records meanwhile: go on after what was read.
      from = records.length > 0 ? Number(records[records.length - 1]!.offset) + 1 : Math.max(from + READ_BATCH, log.first);
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
    for (const pending of [...this.topics.values()]) {
      const log = await pending.catch(() => undefined);
      if (log?.retention) await log.enforceRetention().catch((err: unknown) => this.log.error({ topic: log.name, err }, 'applying retention failed; the topic keeps its records until the next check'));
    }
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

/** What a topic keeps: records younger than `ms` and the newest within `bytes`; -1: no limit. */
interface Retention {
  ms: number;
  bytes: number;
}

/** An open topic file with the index of its records; replaced whole when retention rewrites it. */
interface View {
  file: FileHandle;
  /** Offset of the first record in the file. */
  base: number;
  /** starts[i] is the byte position of record base + i; `size` ends the last one. */
  starts: number[];
  size: number;
  readers: number;
  retired: boolean;
}

/** One topic's append-only file and an index of where each record starts. */
class TopicLog {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly appends = new GroupCommit<BusRecord>((records) => this.serial(() => this.write(records)));
  retention?: Retention;

  private constructor(
    readonly name: string,
    private readonly path: string,
    private view: View,
    private readonly log: Logger,
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
      const { starts, base, size, validSize } = await scan(file, path);
      if (validSize < size) {
        // A crash during an append leaves an incomplete last line; that publish never resolved.
        log.warn({ topic: name, droppedBytes: size - validSize }, 'truncating a torn record at the end of the topic log');
        await file.truncate(validSize);
        await file.datasync();
      }
      return new TopicLog(name, path, { file, base, starts, size: validSize, readers: 0, retired: false }, log);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /** Offset of the first record kept (= how many retention removed). */
  get first(): number {
    return this.view.base;
  }

  /** Offset the next record gets. */
  get end(): number {
    return this.view.base + this.view.starts.length;
  }

  append(records: BusRecord[]): Promise<void> {
    const run = this.appends.add(records);
    const bytes = this.retention?.bytes ?? -1;
    if (bytes >= 0) {
      void run.then(() => {
        if (this.view.size > bytes) void this.enforceRetention().catch((err: unknown) => this.log.error({ topic: this.name, err }, 'applying retention failed; retried after the next append'));
      }, () => {});
    }
    return run;
  }

  /** Drops the records retention no longer keeps (never the newest: it carries the next offset). */
  enforceRetention(now = Date.now()): Promise<void> {
    return this.serial(async () => {
      const drop = await this.expired(now);
      if (drop > 0) await this.dropHead(drop);
    });
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.tail.then(step);
    this.tail = run.catch(() => {});
    return run;
  }

  private async write(records: BusRecord[]): Promise<void> {
    const view = this.view;
    const timestamp = Date.now();
    const lines = records.map((r, i) => {
      const line: StoredLine = { offset: this.end + i, timestamp, key: r.key, headers: r.headers, value: r.value.toString('base64') };
      return Buffer.from(`${JSON.stringify(line)}\n`);
    });
    const buffer = Buffer.concat(lines);
    try {
      for (let done = 0; done < buffer.length; ) {
        done += (await view.file.write(buffer, done, buffer.length - done, view.size + done)).bytesWritten;
      }
      await view.file.datasync();
    } catch (err) {
      await view.file.truncate(view.size).catch(() => {});
      throw err;
    }
    let position = view.size;
    for (const line of lines) {
      view.starts.push(position);
      position += line.length;
    }
    view.size = position;
  }

  /** How many records at the head are older than retention.ms or beyond retention.bytes. */
  private async expired(now: number): Promise<number> {
    const { starts, size } = this.view;
    const { ms, bytes } = this.retention ?? { ms: -1, bytes: -1 };
    const keepable = starts.length - 1;
    let drop = 0;
    if (bytes >= 0 && size > bytes) {
      const target = Math.floor(bytes * TRIM_TO);
      while (drop < keepable && size - starts[drop]! > target) drop++;
    }
    if (ms >= 0) {
      const cutoff = now - ms;
      records: for (let from = this.first + drop; from - this.first < keepable; from += READ_BATCH) {
        for (const record of await this.read(from, Math.min(this.first + keepable, from + READ_BATCH))) {
          if (record.timestamp >= cutoff) break records;
          drop++;
        }
      }
    }
    return drop;
  }

  /** Rewrites the file without its first `drop` records: copy, fsync, rename, then swap views. */
  private async dropHead(drop: number): Promise<void> {
    const old = this.view;
    const from = old.starts[drop]!;
    const temp = `${this.path}.retain`;
    const out = await open(temp, 'w');
    try {
      const chunk = Buffer.alloc(1 << 20);
      for (let position = from; position < old.size; ) {
        const { bytesRead } = await old.file.read(chunk, 0, Math.min(chunk.length, old.size - position), position);
        if (bytesRead === 0) throw new Error(`topic log ${this.name} is shorter than its index`);
        await out.write(chunk, 0, bytesRead);
        position += bytesRead;
      }
      await out.datasync();
    } finally {
      await out.close();
    }
    await rename(temp, this.path);
    await fsyncDir(dirname(this.path));
    const file = await open(this.path, 'r+');
    this.view = { file, base: old.base + drop, starts: old.starts.slice(drop).map((p) => p - from), size: old.size - from, readers: 0, retired: false };
    old.retired = true;
    if (old.readers === 0) await old.file.close();
    this.log.info({ topic: this.name, removedRecords: drop, removedBytes: from, firstOffset: this.view.base }, 'retention removed records from the head of the topic');
  }

  /** Records [from, to), within what the file keeps (offsets before `first` are gone). */
  async read(from: number, to: number): Promise<ConsumedRecord[]> {
    const view = this.view;
    const first = Math.max(from, view.base) - view.base;
    const last = Math.min(to - view.base, view.starts.length);
    if (first >= last) return [];
    view.readers++;
    try {
      const start = view.starts[first]!;
      const end = view.starts[last] ?? view.size;
      const buffer = Buffer.alloc(end - start);
      for (let done = 0; done < buffer.length; ) {
        const { bytesRead } = await view.file.read(buffer, done, buffer.length - done, start + done);
        if (bytesRead === 0) throw new Error(`topic log ${this.name} is shorter than its index`);
        done += bytesRead;
      }
      const out: ConsumedRecord[] = [];
      for (let i = first; i < last; i++) {
        const line = buffer.subarray(view.starts[i]! - start, (view.starts[i + 1] ?? end) - start - 1);
        out.push(toConsumed(this.name, JSON.parse(line.toString('utf8')) as StoredLine));
      }
      return out;
    } finally {
      if (--view.readers === 0 && view.retired) await view.file.close();
    }
  }

  async close(): Promise<void> {
    await this.tail;
    this.view.retired = true;
    if (this.view.readers === 0) await this.view.file.close();
  }
}

/**
 * Finds the line starts and the first record's offset; `validSize` excludes a torn or
 * unparsable tail.
 */
async function scan(file: FileHandle, path: string): Promise<{ starts: number[]; base: number; size: number; validSize: number }> {
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
  const lineAt = async (index: number, end: number): Promise<Buffer> => {
    const buffer = Buffer.alloc(end - starts[index]! - 1);
    await file.read(buffer, 0, buffer.length, starts[index]!);
    return buffer;
  };
  // Retention may have removed the head: the first line says where the offsets start.
  let base = 0;
  if (starts.length > 0) {
    const first = offsetOf(await lineAt(0, starts[1] ?? lineStart));
    if (first !== undefined) base = first;
    else if (starts.length > 1) throw new Error(`topic log ${path}: the first line is not a record; the file is damaged`);
  }
  // A tail of garbage (e.g. zero-filled blocks after a power loss) can hold a newline too:
  // drop complete lines at the end until the last one parses with the expected offset.
  let validSize = lineStart;
  while (starts.length > 0) {
    const last = starts[starts.length - 1]!;
    if (offsetOf(await lineAt(starts.length - 1, validSize)) === base + starts.length - 1) break;
    starts.pop();
    validSize = last;
  }
  return { starts, base, size: position, validSize };
}

function offsetOf(line: Buffer): number | undefined {
  try {
    const offset = (JSON.parse(line.toString('utf8')) as StoredLine).offset;
    return Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
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
 * the committed offset when it stops. One delivery loop per group hands out one batch at a time
 * (batch.ts: keys concurrently, one key in order) and commits it whole; a failing record holds
 * up its batch and the group's other topics until it succeeds.
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
  /** Settles if the delivery loop itself dies (a bug, not a failing handler or disk). */
  ended: Promise<Error> = new Promise(() => {});

  private constructor(
    private readonly file: string,
    private readonly committed: Record<string, number>,
    private readonly log: Logger,
  ) {
    for (const [topic, next] of Object.entries(committed)) this.positions.set(topic, next);
  }

  static async load(id: string, file: string, log: Logger): Promise<Group> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Group(file, {}, log.child({ groupId: id }));
      throw err;
    }
    // Written atomically, so damage here is the disk's: starting the group over would redeliver
    // or skip records silently, so the group refuses to start and says which file to restore.
    let committed: unknown;
    try {
      committed = JSON.parse(text);
    } catch {
      committed = undefined;
    }
    const valid = typeof committed === 'object' && committed !== null && !Array.isArray(committed) &&
      Object.values(committed).every((next) => Number.isInteger(next) && (next as number) >= 0);
    if (!valid) {
      throw new Error(`consumer group ${id}: its committed offsets file ${file} is damaged (not a JSON object of offsets); restore it, or remove it to have the group start from the beginning of its topics`);
    }
    return new Group(file, committed as Record<string, number>, log.child({ groupId: id }));
  }

  join(options: SubscribeOptions, logs: TopicLog[]): Member {
    for (const log of logs) {
      this.logs.set(log.name, log);
      if (!this.positions.has(log.name)) this.positions.set(log.name, options.fromBeginning === false ? log.end : log.first);
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
    if (!this.loop) {
      let fail!: (reason: Error) => void;
      this.ended = new Promise<Error>((resolve) => (fail = resolve));
      this.loop = this.run().catch((err: unknown) => {
        // The next member to join starts a new loop.
        this.loop = undefined;
        this.log.error({ err }, 'embedded delivery loop stopped');
        fail(err instanceof Error ? err : new Error(String(err)));
      });
    }
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
        const records = await log.read(from, Math.min(log.end, from + READ_BATCH));
        const done = this.deliver(member, records);
        this.inflight = { member, done: done.then(() => {}, () => {}) };
        await done.finally(() => (this.inflight = undefined));
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
      let from = this.positions.get(topic) ?? 0;
      if (from < log.first) {
        this.log.warn({ topic, committed: from, first: log.first }, 'retention removed records this group had not consumed yet; going on from the first kept');
        this.positions.set(topic, (from = log.first));
      }
      if (member && from < log.end) {
        this.cursor = (this.cursor + i + 1) % topics.length;
        return { member, log, from };
      }
    }
    return undefined;
  }

  private owner(topic: string): Member | undefined {
    return this.members.find((m) => m.topics.includes(topic));
  }

  /** Hands the batch to the member's handler, then commits what it finished (all, unless it stopped). */
  private async deliver(member: Member, records: ConsumedRecord[]): Promise<void> {
    const handled = await handleBatch(records, { handler: member.handler, signal: member.stopping.signal, log: this.log });
    if (handled > 0) await this.commit(records[0]!.topic, Number(records[handled - 1]!.offset) + 1);
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
