// An embedded topic: P partitions, P fixed when the topic is created. Files under topics/:
//   <topic>.log          partition 0; a topic created before partitions existed has only this
//   <topic>.log.<p>      partition p ≥ 1 (ends in a digit, so never another topic's `.log`)
//   <topic>.partitions   P, written before the partition files; absent: 1 (the old layout)
// `<topic>.log` is created last, so it exists only once the rest is durable.
import { access, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BusRecord } from './bus.ts';
import { PartitionLog, type Retention } from './partition-log.ts';
import { fsyncDir, writeAtomically } from '../durable-file.ts';

const TOPIC_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,249}$/;

export function checkTopicName(name: string): void {
  if (!TOPIC_NAME.test(name)) throw new Error(`invalid topic name ${JSON.stringify(name)}`);
}

/** Creates the topic's files unless it exists; true when it created them. */
export async function createTopic(dir: string, name: string, partitions: number): Promise<boolean> {
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`topic ${name}: partitions must be a whole number of 1 or more, got ${partitions}`);
  if (await exists(partitionFile(dir, name, 0))) return false;
  await writeAtomically(countFile(dir, name), `${partitions}\n`);
  for (let p = 1; p < partitions; p++) await (await open(partitionFile(dir, name, p), 'a')).close();
  await fsyncDir(dir);
  try {
    await (await open(partitionFile(dir, name, 0), 'wx')).close();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  await fsyncDir(dir);
  return true;
}

export class Topic {
  private constructor(
    readonly name: string,
    readonly partitions: PartitionLog[],
    private readonly log: Logger,
  ) {}

  static async open(dir: string, name: string, log: Logger): Promise<Topic> {
    if (!(await exists(partitionFile(dir, name, 0)))) throw new Error(`unknown topic ${name}: create it with ensureTopics`);
    const count = await partitionCount(dir, name);
    const partitions: PartitionLog[] = [];
    try {
      for (let p = 0; p < count; p++) partitions.push(await PartitionLog.open(name, p, partitionFile(dir, name, p), log));
    } catch (err) {
      await Promise.allSettled(partitions.map((partition) => partition.close()));
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`topic ${name}: the file of partition ${partitions.length} is missing; restore it`, { cause: err });
      throw err;
    }
    return new Topic(name, partitions, log);
  }

  /** Kafka applies retention.bytes per partition: the topic's limit is shared out. */
  set retention({ ms, bytes }: Retention) {
    const perPartition = bytes < 0 ? -1 : Math.ceil(bytes / this.partitions.length);
    for (const partition of this.partitions) partition.retention = { ms, bytes: perPartition };
  }

  /** Records retention removed so far, over all partitions (each partition's first kept offset). */
  get removed(): number {
    return this.partitions.reduce((sum, partition) => sum + partition.first, 0);
  }

  /** Appends each record to its key's partition; resolves once all are durable. */
  async append(records: BusRecord[]): Promise<void> {
    const byPartition = new Map<number, BusRecord[]>();
    for (const record of records) {
      const p = partitionOf(record.key, this.partitions.length);
      const list = byPartition.get(p);
      if (list) list.push(record);
      else byPartition.set(p, [record]);
    }
    await Promise.all([...byPartition].map(([p, list]) => this.partitions[p]!.append(list)));
  }

  async enforceRetention(): Promise<void> {
    await Promise.all(this.partitions.map((partition) => partition.enforceRetention().catch((err: unknown) =>
      this.log.error({ topic: this.name, partition: partition.partition, err }, 'applying retention failed; the partition keeps its records until the next check'))));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.partitions.map((partition) => partition.close()));
  }
}

/** The partition of a key: 32-bit FNV-1a of its UTF-8 bytes, modulo the partitions (Kafka uses murmur2). */
export function partitionOf(key: string, partitions: number): number {
  if (partitions === 1) return 0;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0) % partitions;
}

async function partitionCount(dir: string, name: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(countFile(dir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 1;
    throw err;
  }
  const count = Number(text.trim());
  if (!Number.isInteger(count) || count < 1) throw new Error(`topic ${name}: its partition count file ${countFile(dir, name)} is damaged; it must hold the topic's partitions`);
  return count;
}

function partitionFile(dir: string, name: string, partition: number): string {
  return join(dir, partition === 0 ? `${name}.log` : `${name}.log.${partition}`);
}

function countFile(dir: string, name: string): string {
  return join(dir, `${name}.partitions`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
