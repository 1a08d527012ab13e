// One partition of an embedded topic: an append-only file, one JSON line per record, and an
// index of where each record starts. Retention drops whole records from the head by rewriting
// the file; every line holds its offset, so offsets stay stable and the first line gives the
// first. A torn tail (a crash mid-append) is cut off when the file is opened.
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { BusRecord, ConsumedRecord } from './bus.ts';
import { GroupCommit } from './group-commit.ts';
import { fsyncDir } from '../durable-file.ts';

/** Records read at once (and handed to a stage as one batch). */
export const READ_BATCH = 512;
/** Trimming for size goes below the limit by a tenth, so the file is rewritten once per 10 % growth. */
const TRIM_TO = 0.9;
/**
 * Bytes of a partition's newest records also kept in memory: stages that keep up read what was
 * just appended from there rather than reading and parsing the file again, once per stage.
 */
const RECENT_BYTES = 256 * 1024;

interface StoredLine {
  offset: number;
  timestamp: number;
  key: string;
  headers: Record<string, string>;
  value: string;
}

/** What a partition keeps: records younger than `ms` and the newest within `bytes`; -1: no limit. */
export interface Retention {
  ms: number;
  bytes: number;
}

/** An open partition file with the index of its records; replaced whole when retention rewrites it. */
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

/** The newest records of a partition as written, oldest first; `first` is the offset of records[0]. */
class RecentRecords {
  private records: StoredRecord[] = [];
  private first = 0;
  private bytes = 0;

  constructor(private readonly limit: number) {}

  /** Records appended at `offset` onward (always right after the last ones added). */
  add(offset: number, records: StoredRecord[]): void {
    if (offset !== this.first + this.records.length) this.clear(offset);
    for (const r of records) {
      this.records.push(r);
      this.bytes += r.bytes;
    }
    let drop = 0;
    while (this.bytes > this.limit && drop < this.records.length) this.bytes -= this.records[drop++]!.bytes;
    if (drop > 0) {
      this.records = this.records.slice(drop);
      this.first += drop;
    }
  }

  /** Records [from, to) if every one of them is here, else undefined. */
  get(from: number, to: number): StoredRecord[] | undefined {
    if (from < this.first || to > this.first + this.records.length) return undefined;
    return this.records.slice(from - this.first, to - this.first);
  }

  private clear(next: number): void {
    this.records = [];
    this.first = next;
    this.bytes = 0;
  }
}

interface StoredRecord {
  offset: number;
  timestamp: number;
  key: string;
  headers: Record<string, string>;
  value: Buffer;
  /** Roughly what it takes in memory. */
  bytes: number;
}

export class PartitionLog {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly recent = new RecentRecords(RECENT_BYTES);
  private readonly appends = new GroupCommit<BusRecord>((records) => this.serial(() => this.write(records)));
  retention?: Retention;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly path: string,
    private view: View,
    private readonly log: Logger,
  ) {}

  /** Opens an existing partition file (ENOENT when it is missing). */
  static async open(topic: string, partition: number, path: string, log: Logger): Promise<PartitionLog> {
    const file = await open(path, 'r+');
    try {
      const { starts, base, size, validSize } = await scan(file, path);
      if (validSize < size) {
        // A crash during an append leaves an incomplete last line; that publish never resolved.
        log.warn({ topic, partition, droppedBytes: size - validSize }, 'truncating a torn record at the end of the topic log');
        await file.truncate(validSize);
        await file.datasync();
      }
      return new PartitionLog(topic, partition, path, { file, base, starts, size: validSize, readers: 0, retired: false }, log);
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
        if (this.view.size > bytes) void this.enforceRetention().catch((err: unknown) => this.log.error({ topic: this.topic, partition: this.partition, err }, 'applying retention failed; retried after the next append'));
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
    const first = this.end;
    let position = view.size;
    for (const line of lines) {
      view.starts.push(position);
      position += line.length;
    }
    view.size = position;
    this.recent.add(first, records.map((r, i) => ({ offset: first + i, timestamp, key: r.key, headers: { ...r.headers }, value: Buffer.from(r.value), bytes: lines[i]!.length })));
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
        if (bytesRead === 0) throw new Error(`partition ${this.partition} of topic ${this.topic} is shorter than its index`);
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
    this.log.info({ topic: this.topic, partition: this.partition, removedRecords: drop, removedBytes: from, firstOffset: this.view.base }, 'retention removed records from the head of the topic');
  }

  /** Records [from, to), within what the file keeps (offsets before `first` are gone). */
  async read(from: number, to: number): Promise<ConsumedRecord[]> {
    const view = this.view;
    const first = Math.max(from, view.base) - view.base;
    const last = Math.min(to - view.base, view.starts.length);
    if (first >= last) return [];
    const kept = this.recent.get(view.base + first, view.base + last);
    if (kept) return kept.map((r) => ({ topic: this.topic, partition: this.partition, offset: String(r.offset), timestamp: r.timestamp, key: r.key, headers: { ...r.headers }, value: Buffer.from(r.value) }));
    view.readers++;
    try {
      const start = view.starts[first]!;
      const end = view.starts[last] ?? view.size;
      const buffer = Buffer.alloc(end - start);
      for (let done = 0; done < buffer.length; ) {
        const { bytesRead } = await view.file.read(buffer, done, buffer.length - done, start + done);
        if (bytesRead === 0) throw new Error(`partition ${this.partition} of topic ${this.topic} is shorter than its index`);
        done += bytesRead;
      }
      const out: ConsumedRecord[] = [];
      for (let i = first; i < last; i++) {
        const line = buffer.subarray(view.starts[i]! - start, (view.starts[i + 1] ?? end) - start - 1);
        out.push(toConsumed(this.topic, this.partition, JSON.parse(line.toString('utf8')) as StoredLine));
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

function toConsumed(topic: string, partition: number, line: StoredLine): ConsumedRecord {
  return {
    topic,
    partition,
    offset: String(line.offset),
    timestamp: line.timestamp,
    key: line.key,
    headers: line.headers,
    value: Buffer.from(line.value, 'base64'),
  };
}
