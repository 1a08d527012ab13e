// A consumer group of the embedded bus, in this process. Like a Kafka group whose members all
// sit in one process: each topic is delivered to one member (the earliest subscribed); the
// others stand by and take over from the committed offsets when it stops. Each partition has at
// most one batch in flight (batch.ts: keys concurrently, one key in order), the partitions of
// all the group's topics run concurrently, and a batch is committed once it is handled, before
// that partition's next batch is read. Commits of batches finishing together share one write.
//
// groups/<groupId>.json holds the next offset per topic and partition:
// `{ "<topic>": { "<partition>": next } }`; a file from before partitions, `{ "<topic>": next }`,
// is read as partition 0. A commit is appended to groups/<groupId>.commits as a line of the same
// shape holding what changed, one write (replacing the .json took five file operations and two
// syncs, which at a few records a second cost more than the records themselves); the lines are
// folded into the .json every COMMIT_LINES_BEFORE_FOLD commits, when the group opens and when it
// closes, so at rest the .json alone is the truth.
//
// A commit line is not fsynced, as Kafka does not sync a commit either: a killed process loses
// nothing written, and a power cut can only take back the last commits, which redelivers
// records whose work is already durable (delivery is at-least-once with idempotency keys).
import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { SubscribeOptions } from './bus.ts';
import { handleBatch } from './batch.ts';
import type { Topic } from './embedded-topic.ts';
import { GroupCommit } from './group-commit.ts';
import { READ_BATCH, type PartitionLog } from './partition-log.ts';
import { abortableSleep } from './sleep.ts';
import { readIfExists, writeAtomically } from '../durable-file.ts';

const BACKOFF_MAX_MS = 10_000;
/** Commit lines after which they are folded into the snapshot (a few hundred KiB of lines). */
export const COMMIT_LINES_BEFORE_FOLD = 10_000;

type Committed = Record<string, Record<string, number>>;

interface Commit {
  partition: PartitionLog;
  next: number;
}

export interface Member {
  group: Group;
  topics: string[];
  handler: SubscribeOptions['handler'];
  stopping: AbortController;
  leave(): Promise<void>;
}

export class Group {
  private readonly members: Member[] = [];
  /** Next offset per partition (slot): committed, or where a new group without commits starts. */
  private readonly positions = new Map<string, number>();
  private readonly topics = new Map<string, Topic>();
  /** The batch in flight per partition. */
  private readonly inflight = new Map<string, { member: Member; done: Promise<void> }>();
  private readonly commits = new GroupCommit<Commit>((commits) => this.write(commits));
  private signalled = false;
  private waiter?: () => void;
  private closed = false;
  private loop?: Promise<void>;
  /** Settles if the delivery loop itself dies (a bug, not a failing handler or disk). */
  ended: Promise<Error> = new Promise(() => {});

  private journalLines = 0;

  private constructor(
    private readonly file: string,
    private readonly journal: FileHandle,
    private readonly committed: Committed,
    private readonly log: Logger,
    private readonly linesBeforeFold: number,
  ) {
    for (const [topic, partitions] of Object.entries(committed)) {
      for (const [partition, next] of Object.entries(partitions)) this.positions.set(slot(topic, Number(partition)), next);
    }
  }

  /**
   * Opens the group's committed offsets: the snapshot with the commit lines after it folded in.
   * Without a snapshot the group starts over (first start, or an operator removed it to start
   * over), and commit lines left beside it are dropped.
   */
  static async load(id: string, file: string, log: Logger, linesBeforeFold = COMMIT_LINES_BEFORE_FOLD): Promise<Group> {
    const journalFile = journalOf(file);
    const [snapshot, lines] = (await Promise.all([readIfExists(file), readIfExists(journalFile)])).map((bytes) => bytes?.toString('utf8'));
    // Written atomically, so damage here is the disk's: starting the group over would redeliver
    // or skip records silently, so the group refuses to start and says which file to restore.
    const committed = snapshot === undefined ? {} : parseCommitted(snapshot);
    if (!committed) {
      throw new Error(`consumer group ${id}: its committed offsets file ${file} is damaged (not a JSON object of offsets); restore it, or remove it to have the group start from the beginning of its topics`);
    }
    if (snapshot !== undefined && lines && !foldCommitLines(committed, lines)) {
      throw new Error(`consumer group ${id}: its commit log ${journalFile} is damaged (a line before the last is not a JSON object of offsets); restore it, or remove it and ${file} to have the group start from the beginning of its topics`);
    }
    if (snapshot === undefined || lines) await writeAtomically(file, JSON.stringify(committed));
    // Appending (O_APPEND), so that after a fold empties the file the next line starts at its beginning.
    const journal = await open(journalFile, 'a');
    await journal.truncate(0);
    return new Group(file, journal, committed, log.child({ groupId: id }), linesBeforeFold);
  }

  join(options: SubscribeOptions, topics: Topic[]): Member {
    for (const topic of topics) {
      this.topics.set(topic.name, topic);
      for (const partition of topic.partitions) {
        const key = slot(topic.name, partition.partition);
        if (!this.positions.has(key)) this.positions.set(key, options.fromBeginning === false ? partition.end : partition.first);
      }
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
        await Promise.all([...this.inflight.values()].filter((batch) => batch.member === member).map((batch) => batch.done));
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
    await Promise.all([...this.inflight.values()].map((batch) => batch.done));
    try {
      await this.compact();
    } finally {
      await this.journal.close();
    }
  }

  /** Starts a batch on every partition that has records, an owner and none in flight. */
  private async run(): Promise<void> {
    while (!this.closed) {
      this.signalled = false;
      for (const topic of this.topics.values()) {
        const member = this.members.find((m) => m.topics.includes(topic.name));
        if (!member) continue;
        for (const partition of topic.partitions) {
          const key = slot(topic.name, partition.partition);
          if (this.inflight.has(key)) continue;
          let from = this.positions.get(key)!;
          if (from < partition.first) {
            this.log.warn({ topic: topic.name, partition: partition.partition, committed: from, first: partition.first }, 'retention removed records this group had not consumed yet; going on from the first kept');
            this.positions.set(key, (from = partition.first));
          }
          if (from >= partition.end) continue;
          const done = this.deliver(member, partition, from).finally(() => {
            this.inflight.delete(key);
            this.wake();
          });
          this.inflight.set(key, { member, done });
        }
      }
      if (!this.signalled) await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Reads a batch, hands it to the member's handler, then commits what it finished (all, unless it stopped). */
  private async deliver(member: Member, partition: PartitionLog, from: number): Promise<void> {
    try {
      const records = await partition.read(from, Math.min(partition.end, from + READ_BATCH));
      const handled = await handleBatch(records, { handler: member.handler, signal: member.stopping.signal, log: this.log });
      if (handled === 0) return;
      const next = Number(records[handled - 1]!.offset) + 1;
      await this.commits.add([{ partition, next }]);
      this.positions.set(slot(partition.topic, partition.partition), next);
    } catch (err) {
      // Reading or committing failed (disk): back off rather than spin, then retry.
      this.log.error({ topic: partition.topic, partition: partition.partition, err }, 'embedded delivery failed; retrying');
      await abortableSleep(BACKOFF_MAX_MS, member.stopping.signal);
    }
  }

  private async write(commits: Commit[]): Promise<void> {
    const changed: Committed = {};
    for (const { partition, next } of commits) {
      (this.committed[partition.topic] ??= {})[partition.partition] = next;
      (changed[partition.topic] ??= {})[partition.partition] = next;
    }
    await this.journal.write(`${JSON.stringify(changed)}\n`);
    if (++this.journalLines >= this.linesBeforeFold) await this.compact();
  }

  /** Folds the commit lines into the snapshot, then empties them (replaying them again would change nothing). */
  private async compact(): Promise<void> {
    if (this.journalLines === 0) return;
    await writeAtomically(this.file, JSON.stringify(this.committed));
    await this.journal.truncate(0);
    await this.journal.sync();
    this.journalLines = 0;
  }
}

function journalOf(file: string): string {
  return file.replace(/\.json$/, '.commits');
}

/**
 * Applies commit lines in order onto `committed`; false when a line before the last is damaged.
 * The last may be torn by a crash mid-append: that commit never resolved, so it is ignored.
 */
export function foldCommitLines(committed: Committed, text: string): boolean {
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const change = parseCommitted(line);
    if (!change) return i === lines.length - 1;
    for (const [topic, partitions] of Object.entries(change)) Object.assign((committed[topic] ??= {}), partitions);
  }
  return true;
}

function slot(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** The committed offsets, the old format (`{ topic: next }`) read as partition 0; undefined when damaged. */
export function parseCommitted(text: string): Committed | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const committed: Committed = {};
  for (const [topic, value] of Object.entries(parsed)) {
    const partitions = isOffset(value) ? { 0: value } : value;
    if (!isObject(partitions) || !Object.entries(partitions).every(([p, next]) => /^\d+$/.test(p) && isOffset(next))) return undefined;
    committed[topic] = partitions as Record<string, number>;
  }
  return committed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOffset(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}
