// The store in-process, on files: for a single Brygga instance without Redis. Two processes must
// never open one data dir: the composition root locks it first (src/data-dir-lock.ts).
//
// State lives in memory. Each operation decides and applies its change synchronously (so it is
// atomic with respect to every other operation), then appends the change to journal.jsonl.
// Changes made in the same tick share one write + fdatasync (group commit); each call resolves
// after the fsync covering its change, and reads resolve after every change they could have seen
// is durable. Once the journal holds more records than the state has entries (and at least
// `compactAfter`), the state is written to snapshot.jsonl (temp file, fsync, rename) and the
// journal is truncated. Records are numbered; the snapshot names the last record it covers and
// replay skips covered records, so a crash at any step of a compaction loses and repeats nothing.
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ClaimedTimer, Deadline, DeadlineStatus, ScheduledTask, Store, TimerPhase } from './store.ts';
import { fsyncDir, readIfExists } from '../durable-file.ts';

export interface EmbeddedStoreOptions {
  dataDir: string;
  /** Fewest journal records before a compaction; default 100,000. */
  compactAfter?: number;
  /** Called once the store is closed (the composition root releases the data dir's lock). */
  onClose?: () => void;
}

type Change =
  | { op: 'open'; d: Deadline }
  | { op: 'close'; id: string; status: 'met' | 'cancelled'; at: number; by: string; reason?: string }
  | { op: 'claim'; requeue: string[]; take: string[]; until: number }
  | { op: 'complete'; id: string; phase: TimerPhase; at: number }
  | { op: 'clear' }
  | { op: 'set'; key: string; value: string; expires?: number }
  | { op: 'delete'; key: string }
  | { op: 'append'; key: string; value: string }
  | { op: 'task'; t: ScheduledTask }
  | { op: 'claimTasks'; queue: string; requeue: string[]; take: string[]; until: number }
  | { op: 'untask'; queue: string; id: string };

type SnapshotLine =
  | { seq: number }
  | { d: Deadline }
  | { t: [string, number] }
  | { l: [string, number] }
  | { k: [string, string, number | null] }
  | { a: [string, string[]] }
  | { q: [queue: string, id: string, dueAt: number, payload: string] }
  | { ql: [queue: string, id: string, until: number] };

interface Pending {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Stored {
  value: string;
  expires?: number;
}

const STATUSES: DeadlineStatus[] = ['open', 'met', 'breached', 'cancelled'];
const JOURNAL = 'journal.jsonl';
const SNAPSHOT = 'snapshot.jsonl';
const MAX_BATCH = 10_000;
const CHUNK_CHARS = 1 << 20;

export class EmbeddedStore implements Store {
  private readonly dir: string;
  private readonly compactAfter: number;
  private readonly onClose?: () => void;
  private readonly ready: Promise<void>;

  private readonly deadlines = new Map<string, Deadline>();
  private readonly byStatus = new Map<DeadlineStatus, Set<string>>(STATUSES.map((s) => [s, new Set()]));
  private readonly byOrder = new Map<string, Set<string>>();
  private readonly timers = new TimerQueue();
  private readonly leases = new TimerQueue();
  private readonly values = new Map<string, Stored>();
  private readonly lists = new Map<string, string[]>();
  private readonly taskQueues = new Map<string, TaskQueue>();

  private journal?: FileHandle;
  private journalRecords = 0;
  private seq = 0;
  private queue: Pending[] = [];
  private lastCommit: Promise<void> = Promise.resolve();
  private flushing?: Promise<void>;
  private failure?: unknown;
  private closed = false;

  constructor(options: EmbeddedStoreOptions) {
    this.dir = resolve(options.dataDir);
    this.compactAfter = options.compactAfter ?? 100_000;
    this.onClose = options.onClose;
    this.ready = this.load();
    this.ready.catch(() => {}); // reported by the first operation
  }

  // ---- DeadlineStore --------------------------------------------------------------------------

  openDeadline(input: Omit<Deadline, 'status' | 'warned'>): Promise<boolean> {
    return this.run(() => {
      if (this.deadlines.has(input.id)) return { result: false };
      const d: Deadline = {
        id: input.id,
        orderId: input.orderId,
        kind: input.kind,
        rule: input.rule,
        openedAt: input.openedAt,
        dueAt: input.dueAt,
        ...(input.warnAt !== undefined ? { warnAt: input.warnAt } : {}),
        status: 'open',
        context: { ...input.context },
      };
      return { change: this.change({ op: 'open', d }), result: true };
    });
  }

  closeDeadline(id: string, status: 'met' | 'cancelled', at: number, by: string, reason?: string): Promise<Deadline | undefined> {
    return this.run(() => {
      if (status !== 'met' && status !== 'cancelled') throw new RangeError('closeDeadline: status must be met or cancelled');
      if (this.deadlines.get(id)?.status !== 'open') return { result: undefined };
      const change = this.change({ op: 'close', id, status, at, by, ...(reason ? { reason } : {}) });
      return { change, result: copy(this.deadlines.get(id)!) };
    });
  }

  getDeadline(id: string): Promise<Deadline | undefined> {
    return this.read(() => {
      const d = this.deadlines.get(id);
      return d && copy(d);
    });
  }

  deadlinesOfOrder(orderId: string): Promise<Deadline[]> {
    return this.read(() => [...(this.byOrder.get(orderId) ?? [])].map((id) => this.deadlines.get(id)!).sort(soonestDue).map(copy));
  }

  listDeadlines(status: DeadlineStatus, limit: number): Promise<Deadline[]> {
    return this.read(() => soonest(this.idsIn(status), this.deadlines, Math.floor(limit)).map(copy));
  }

  countDeadlines(status: DeadlineStatus): Promise<number> {
    return this.read(() => this.idsIn(status).size);
  }

  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedTimer[]> {
    return this.run(() => {
      if (!(limit >= 1)) return { result: [] };
      const until = now + leaseMs;
      const requeue = this.leases.popDue(now, limit).map((e) => e.member);
      this.requeue(requeue);
      const take = this.timers.popDue(now, limit).map((e) => e.member).filter((m) => this.deadlines.get(idOf(m))?.status === 'open');
      this.lease(take, until);
      const result = take.map((m) => ({ deadline: copy(this.deadlines.get(idOf(m))!), phase: phaseOf(m) }));
      // Applied step by step above (what is taken depends on what was re-queued): journal only.
      return { change: requeue.length + take.length > 0 ? { op: 'claim', requeue, take, until } : undefined, result };
    });
  }

  completeTimer(id: string, phase: TimerPhase, at: number): Promise<boolean> {
    return this.run(() => {
      const member = `${id}|${phase}`;
      const held = this.leases.has(member) || this.timers.has(member);
      if (!held || this.deadlines.get(id)?.status !== 'open') return { result: false };
      return { change: this.change({ op: 'complete', id, phase, at }), result: true };
    });
  }

  clearDeadlines(): Promise<void> {
    return this.run(() => ({ change: this.change({ op: 'clear' }), result: undefined }));
  }

  // ---- TaskStore ------------------------------------------------------------------------------

  scheduleTask(task: ScheduledTask, mode: 'if-absent' | 'replace'): Promise<boolean> {
    return this.run(() => {
      if (mode === 'if-absent' && this.taskQueue(task.queue).tasks.has(task.id)) return { result: false };
      const t: ScheduledTask = { queue: task.queue, id: task.id, dueAt: task.dueAt, payload: task.payload };
      return { change: this.change({ op: 'task', t }), result: true };
    });
  }

  claimTasks(queue: string, now: number, limit: number, leaseMs: number): Promise<ScheduledTask[]> {
    return this.run(() => {
      if (!(limit >= 1)) return { result: [] };
      const q = this.taskQueue(queue);
      const until = now + leaseMs;
      const requeue = q.leases.popDue(now, limit).map((e) => e.member);
      q.requeue(requeue);
      const take = q.due.popDue(now, limit).map((e) => e.member);
      q.lease(take, until);
      const result = take.map((id) => ({ queue, id, ...q.tasks.get(id)! }));
      // Applied step by step above (what is taken depends on what was re-queued): journal only.
      return { change: requeue.length + take.length > 0 ? { op: 'claimTasks', queue, requeue, take, until } : undefined, result };
    });
  }

  removeTask(queue: string, id: string): Promise<void> {
    return this.run(() => ({ change: this.taskQueue(queue).tasks.has(id) ? this.change({ op: 'untask', queue, id }) : undefined, result: undefined }));
  }

  getTask(queue: string, id: string): Promise<ScheduledTask | undefined> {
    return this.read(() => {
      const task = this.taskQueues.get(queue)?.tasks.get(id);
      return task && { queue, id, ...task };
    });
  }

  countTasks(queue: string): Promise<number> {
    return this.read(() => this.taskQueues.get(queue)?.tasks.size ?? 0);
  }

  peekTasks(queue: string, limit: number): Promise<ScheduledTask[]> {
    return this.read(() =>
      [...(this.taskQueues.get(queue)?.tasks ?? [])]
        .map(([id, task]) => ({ queue, id, ...task }))
        .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1))
        .slice(0, Math.max(0, Math.floor(limit))),
    );
  }

  // ---- KeyValueStore (TTLs run on the wall clock) ---------------------------------------------

  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.run(() => {
      if (this.live(key) !== undefined) return { result: false };
      return { change: this.change(setChange(key, value, ttlMs)), result: true };
    });
  }

  get(key: string): Promise<string | undefined> {
    return this.read(() => this.live(key)?.value);
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.run(() => ({ change: this.change(setChange(key, value, ttlMs)), result: undefined }));
  }

  /** Removes the value and the list stored under the key. */
  delete(key: string): Promise<void> {
    return this.run(() => ({ change: this.values.has(key) || this.lists.has(key) ? this.change({ op: 'delete', key }) : undefined, result: undefined }));
  }

  append(key: string, value: string): Promise<void> {
    return this.run(() => ({ change: this.change({ op: 'append', key, value }), result: undefined }));
  }

  range(key: string): Promise<string[]> {
    return this.read(() => [...(this.lists.get(key) ?? [])]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.ready;
      await this.lastCommit.catch(() => {});
      while (this.flushing) await this.flushing;
      await this.journal?.close();
    } catch {
      // failed to open: nothing to flush
    } finally {
      this.onClose?.();
    }
  }

  // ---- state ----------------------------------------------------------------------------------

  private taskCount(): number {
    let n = 0;
    for (const q of this.taskQueues.values()) n += q.tasks.size;
    return n;
  }

  private taskQueue(queue: string): TaskQueue {
    let q = this.taskQueues.get(queue);
    if (!q) this.taskQueues.set(queue, (q = new TaskQueue()));
    return q;
  }

  private idsIn(status: DeadlineStatus): Set<string> {
    return this.byStatus.get(status)!;
  }

  private live(key: string): Stored | undefined {
    const stored = this.values.get(key);
    if (stored?.expires !== undefined && stored.expires <= Date.now()) {
      this.values.delete(key);
      return undefined;
    }
    return stored;
  }

  private requeue(members: string[]): void {
    for (const m of members) {
      this.leases.delete(m);
      const d = this.deadlines.get(idOf(m));
      const at = phaseOf(m) === 'warn' ? d?.warnAt : d?.dueAt;
      if (at !== undefined) this.timers.add(m, at);
    }
  }

  private lease(members: string[], until: number): void {
    for (const m of members) {
      this.timers.delete(m);
      this.leases.add(m, until);
    }
  }

  private dropTimers(id: string, phases: TimerPhase[]): void {
    for (const phase of phases) {
      this.timers.delete(`${id}|${phase}`);
      this.leases.delete(`${id}|${phase}`);
    }
  }

  private put(d: Deadline): void {
    const previous = this.deadlines.get(d.id);
    if (previous) this.idsIn(previous.status).delete(d.id);
    this.deadlines.set(d.id, d);
    this.idsIn(d.status).add(d.id);
    let ids = this.byOrder.get(d.orderId);
    if (!ids) this.byOrder.set(d.orderId, (ids = new Set()));
    ids.add(d.id);
  }

  private change(c: Change): Change {
    this.apply(c);
    return c;
  }

  /** Applies a journalled change; also used by replay, so it re-checks what the caller checked. */
  private apply(c: Change): void {
    switch (c.op) {
      case 'open': {
        if (this.deadlines.has(c.d.id)) return;
        this.put(c.d);
        if (c.d.warnAt !== undefined) this.timers.add(`${c.d.id}|warn`, c.d.warnAt);
        this.timers.add(`${c.d.id}|due`, c.d.dueAt);
        return;
      }
      case 'close': {
        const d = this.deadlines.get(c.id);
        if (d?.status !== 'open') return;
        this.put({ ...d, status: c.status, closedAt: c.at, closedBy: c.by, ...(c.reason ? { reason: c.reason } : {}) });
        this.dropTimers(c.id, ['warn', 'due']);
        return;
      }
      case 'claim':
        this.requeue(c.requeue);
        this.lease(c.take, c.until);
        return;
      case 'complete': {
        const d = this.deadlines.get(c.id);
        this.dropTimers(c.id, [c.phase]);
        if (d?.status !== 'open') return;
        if (c.phase === 'due') {
          this.put({ ...d, status: 'breached', closedAt: c.at });
          this.dropTimers(c.id, ['warn']);
        } else {
          this.put({ ...d, warned: true });
        }
        return;
      }
      case 'clear':
        this.deadlines.clear();
        for (const ids of this.byStatus.values()) ids.clear();
        this.byOrder.clear();
        this.timers.clear();
        this.leases.clear();
        return;
      case 'set':
        this.values.set(c.key, c.expires === undefined ? { value: c.value } : { value: c.value, expires: c.expires });
        return;
      case 'delete':
        this.values.delete(c.key);
        this.lists.delete(c.key);
        return;
      case 'append': {
        const list = this.lists.get(c.key);
        if (list) list.push(c.value);
        else this.lists.set(c.key, [c.value]);
        return;
      }
      case 'task':
        this.taskQueue(c.t.queue).put(c.t.id, c.t.dueAt, c.t.payload);
        return;
      case 'claimTasks': {
        const q = this.taskQueue(c.queue);
        q.requeue(c.requeue);
        q.lease(c.take, c.until);
        return;
      }
      case 'untask':
        this.taskQueue(c.queue).remove(c.id);
        return;
    }
  }

  // ---- durability -----------------------------------------------------------------------------

  private async usable(): Promise<void> {
    await this.ready;
    if (this.closed) throw new Error('EmbeddedStore is closed');
    if (this.failure) throw this.failure;
  }

  /** Decides and applies one operation synchronously, then waits until its change is durable. */
  private async run<T>(decide: () => { change?: Change; result: T }): Promise<T> {
    await this.usable();
    const { change, result } = decide();
    await (change ? this.commit(change) : this.lastCommit);
    return result;
  }

  /** Reads now, answers once every change the read could have seen is durable. */
  private async read<T>(view: () => T): Promise<T> {
    await this.usable();
    const value = view();
    await this.lastCommit;
    return value;
  }

  private commit(change: Change): Promise<void> {
    const line = `${JSON.stringify({ n: ++this.seq, ...change })}\n`;
    this.lastCommit = new Promise<void>((resolve, reject) => this.queue.push({ line, resolve, reject }));
    if (!this.flushing) {
      this.flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    }
    return this.lastCommit;
  }

  /** Writes queued lines in batches, one write + fdatasync per batch, until the queue is empty. */
  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.failure) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.journal!.write(batch.map((p) => p.line).join(''));
          await this.journal!.datasync();
        } catch (err) {
          // Memory is now ahead of the disk: refuse everything from here on.
          this.failure = err;
          for (const p of [...batch, ...this.queue.splice(0)]) p.reject(err);
          return;
        }
        this.journalRecords += batch.length;
        for (const p of batch) p.resolve();
        if (this.journalRecords >= Math.max(this.compactAfter, this.deadlines.size + this.values.size + this.lists.size + this.taskCount())) {
          // A failed compaction loses nothing (the journal stays); it is retried after more records.
          await this.compact().catch(() => (this.journalRecords = 0));
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async compact(): Promise<void> {
    const lines = this.image();
    const path = join(this.dir, SNAPSHOT);
    const file = await open(`${path}.tmp`, 'w');
    try {
      let chunk = '';
      for (const line of lines) {
        chunk += `${JSON.stringify(line)}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          await file.write(chunk);
          chunk = '';
        }
      }
      await file.write(chunk);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(`${path}.tmp`, path);
    await fsyncDir(this.dir);
    // Every record written so far is numbered <= seq, so the snapshot covers the whole journal.
    await this.journal!.truncate(0);
    await this.journal!.datasync();
    this.journalRecords = 0;
  }

  /**
   * Captures the state synchronously, as of record `seq` (entries are replaced, never mutated,
   * so shallow copies suffice), and serialises it lazily while later changes go on.
   */
  private image(): Iterable<SnapshotLine> {
    const seq = this.seq;
    const now = Date.now();
    const deadlines = [...this.deadlines.values()];
    const timers = [...this.timers.entries()];
    const leases = [...this.leases.entries()];
    const values = [...this.values].filter(([, s]) => s.expires === undefined || s.expires > now);
    const lists = [...this.lists].map(([k, list]) => [k, list.slice()] as [string, string[]]);
    const tasks = [...this.taskQueues].flatMap(([queue, q]) => [...q.tasks].map(([id, t]) => [queue, id, t.dueAt, t.payload] as const));
    const taskLeases = [...this.taskQueues].flatMap(([queue, q]) => [...q.leases.entries()].map((e) => [queue, e.member, e.at] as const));
    return (function* (): Generator<SnapshotLine> {
      yield { seq };
      for (const d of deadlines) yield { d };
      for (const e of timers) yield { t: [e.member, e.at] };
      for (const e of leases) yield { l: [e.member, e.at] };
      for (const [k, s] of values) yield { k: [k, s.value, s.expires ?? null] };
      for (const a of lists) yield { a };
      for (const [queue, id, dueAt, payload] of tasks) yield { q: [queue, id, dueAt, payload] };
      for (const [queue, id, until] of taskLeases) yield { ql: [queue, id, until] };
    })();
  }

  private async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.replay();
  }

  private async replay(): Promise<void> {
    await rm(join(this.dir, `${SNAPSHOT}.tmp`), { force: true });
    let covered = 0;
    const snapshot = await readIfExists(join(this.dir, SNAPSHOT));
    if (snapshot) {
      for (const line of parseLines<SnapshotLine>(snapshot).lines) covered = this.restore(line, covered);
    }
    this.seq = covered;
    const journalPath = join(this.dir, JOURNAL);
    const journal = (await readIfExists(journalPath)) ?? Buffer.alloc(0);
    const { lines, validBytes } = parseLines<Change & { n: number }>(journal);
    for (const record of lines) {
      if (record.n > covered) this.apply(record);
      this.seq = Math.max(this.seq, record.n);
    }
    this.journalRecords = lines.length;
    this.journal = await open(journalPath, 'a');
    if (validBytes < journal.length) {
      // A torn tail: the write never completed, so no caller was told it was durable.
      await this.journal.truncate(validBytes);
      await this.journal.datasync();
    }
    await fsyncDir(this.dir);
  }

  private restore(line: SnapshotLine, seq: number): number {
    if ('seq' in line) return line.seq;
    if ('d' in line) this.put(line.d);
    else if ('t' in line) this.timers.add(...line.t);
    else if ('l' in line) this.leases.add(...line.l);
    else if ('k' in line) this.values.set(line.k[0], line.k[2] === null ? { value: line.k[1] } : { value: line.k[1], expires: line.k[2] });
    else if ('q' in line) this.taskQueue(line.q[0]).put(line.q[1], line.q[2], line.q[3]);
    else if ('ql' in line) this.taskQueue(line.ql[0]).lease([line.ql[1]], line.ql[2]);
    else this.lists.set(line.a[0], line.a[1]);
    return seq;
  }
}

function copy(d: Deadline): Deadline {
  return { ...d, context: { ...d.context } };
}

function idOf(member: string): string {
  return member.slice(0, member.lastIndexOf('|'));
}

function phaseOf(member: string): TimerPhase {
  return member.slice(member.lastIndexOf('|') + 1) as TimerPhase;
}

function setChange(key: string, value: string, ttlMs?: number): Change {
  if (ttlMs === undefined) return { op: 'set', key, value };
  if (!(ttlMs > 0)) throw new RangeError('ttlMs must be positive');
  return { op: 'set', key, value, expires: Date.now() + Math.ceil(ttlMs) };
}

function soonestDue(a: Deadline, b: Deadline): number {
  return a.dueAt - b.dueAt || compareText(a.id, b.id);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `limit` soonest due of `ids`, in O(n log limit): a bounded heap keeps the best so far. */
function soonest(ids: Set<string>, deadlines: Map<string, Deadline>, limit: number): Deadline[] {
  if (!(limit >= 1)) return [];
  const best = new Heap<Deadline>((a, b) => soonestDue(a, b) > 0);
  for (const id of ids) {
    const d = deadlines.get(id)!;
    if (best.size < limit) best.push(d);
    else if (soonestDue(d, best.peek()!) < 0) {
      best.pop();
      best.push(d);
    }
  }
  return best.drain().sort(soonestDue);
}

const TORN = Symbol('torn');

/**
 * Parses JSON lines. Only the tail may be torn (a write cut short by a crash, never
 * acknowledged): a run of unterminated or unparseable lines reaching the end is dropped, and
 * `validBytes` says where the good part ends. An unparseable line before good ones is corruption.
 */
function parseLines<T>(buf: Buffer): { lines: T[]; validBytes: number } {
  const parsed: (T | typeof TORN)[] = [];
  const ends: number[] = [];
  let start = 0;
  let end: number;
  while ((end = buf.indexOf(0x0a, start)) !== -1) {
    try {
      parsed.push(JSON.parse(buf.toString('utf8', start, end)) as T);
    } catch {
      parsed.push(TORN);
    }
    start = end + 1;
    ends.push(start);
  }
  let valid = parsed.length;
  while (valid > 0 && parsed[valid - 1] === TORN) valid--;
  const bad = parsed.indexOf(TORN);
  if (bad !== -1 && bad < valid) throw new Error(`EmbeddedStore: corrupt line ${bad + 1} before the end of a data file`);
  return { lines: parsed.slice(0, valid) as T[], validBytes: valid > 0 ? ends[valid - 1]! : 0 };
}


// ---- ordered structures -----------------------------------------------------------------------

/** A binary heap; `before(a, b)` is true when a leaves first. */
class Heap<T> {
  private items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Replaces the contents in O(n). */
  reset(items: T[]): void {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  drain(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  private down(i: number): void {
    const items = this.items;
    const item = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && this.before(items[child + 1]!, items[child]!)) child++;
      if (!this.before(items[child]!, item)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = item;
  }
}

interface TimerEntry {
  readonly member: string;
  readonly at: number;
}

/**
 * Timer members ordered by time (then member, as a Redis zset orders ties). Removal is lazy: an
 * entry stays in the heap until it surfaces and is skipped when it is no longer the live entry
 * of its member; the heap is rebuilt when stale entries outnumber live ones.
 */
class TimerQueue {
  private readonly live = new Map<string, TimerEntry>();
  private readonly heap = new Heap<TimerEntry>((a, b) => a.at < b.at || (a.at === b.at && a.member < b.member));

  has(member: string): boolean {
    return this.live.has(member);
  }

  add(member: string, at: number): void {
    const entry = { member, at };
    this.live.set(member, entry);
    this.heap.push(entry);
  }

  delete(member: string): void {
    if (this.live.delete(member) && this.heap.size > 2 * this.live.size + 1024) this.heap.reset([...this.live.values()]);
  }

  /** Removes and returns at most `limit` live entries due at `now`, earliest first. */
  popDue(now: number, limit: number): TimerEntry[] {
    const due: TimerEntry[] = [];
    while (due.length < limit) {
      const top = this.heap.peek();
      if (!top) break;
      if (this.live.get(top.member) !== top) {
        this.heap.pop();
        continue;
      }
      if (top.at > now) break;
      this.heap.pop();
      this.live.delete(top.member);
      due.push(top);
    }
    return due;
  }

  entries(): IterableIterator<TimerEntry> {
    return this.live.values();
  }

  clear(): void {
    this.live.clear();
    this.heap.reset([]);
  }
}

/** One queue of scheduled tasks: the tasks, their due timers and the leases of claimed ones. */
class TaskQueue {
  readonly tasks = new Map<string, { dueAt: number; payload: string }>();
  readonly due = new TimerQueue();
  readonly leases = new TimerQueue();

  /** Schedules or replaces a task; a lease on it ends. */
  put(id: string, dueAt: number, payload: string): void {
    this.tasks.set(id, { dueAt, payload });
    this.leases.delete(id);
    this.due.add(id, dueAt);
  }

  remove(id: string): void {
    this.tasks.delete(id);
    this.due.delete(id);
    this.leases.delete(id);
  }

  /** Expired leases go back to their scheduled time. */
  requeue(ids: string[]): void {
    for (const id of ids) {
      this.leases.delete(id);
      const task = this.tasks.get(id);
      if (task) this.due.add(id, task.dueAt);
    }
  }

  lease(ids: string[], until: number): void {
    for (const id of ids) {
      this.due.delete(id);
      this.leases.add(id, until);
    }
  }
}
