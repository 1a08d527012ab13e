// How both bus adapters hand a batch of one partition to a stage: records of different keys are
// handled concurrently, records of one key one after the other in offset order, and a failing
// record is retried with backoff while the other keys go on. The caller commits once, after
// the batch: up to the last record of the unbroken run of handled ones from its start.
import type { Logger } from 'pino';
import type { ConsumedRecord } from './bus.ts';
import { abortableSleep } from './sleep.ts';

export interface BatchHandling {
  handler: (record: ConsumedRecord) => Promise<void>;
  /** Aborted: no new record is started; what is unfinished stays uncommitted. */
  signal: AbortSignal;
  log: Logger;
  /** Keys handled at once; default 64. */
  concurrency?: number;
  /** Waits between retries (Kafka heartbeats meanwhile); default a plain abortable sleep. */
  pause?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Called each time a record is done (Kafka: the member is alive while its batch moves). */
  onProgress?: () => void;
}

const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 10_000;
const DEFAULT_CONCURRENCY = 64;

/**
 * Handles `records` (one partition, in offset order) and resolves with how many of them, from
 * the first, are done: all of them unless the signal stopped the batch.
 */
export async function handleBatch(records: ConsumedRecord[], options: BatchHandling): Promise<number> {
  const chains = new Map<string, number[]>();
  records.forEach((record, index) => {
    const chain = chains.get(record.key);
    if (chain) chain.push(index);
    else chains.set(record.key, [index]);
  });
  const done = new Array<boolean>(records.length).fill(false);
  const pending = [...chains.values()];
  const worker = async (): Promise<void> => {
    for (let chain = pending.shift(); chain; chain = pending.shift()) {
      for (const index of chain) {
        if (!(await handleUntilDone(records[index]!, options))) return;
        done[index] = true;
        options.onProgress?.();
      }
    }
  };
  const workers = Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, pending.length);
  await Promise.all(Array.from({ length: workers }, worker));
  const unfinished = done.indexOf(false);
  return unfinished === -1 ? records.length : unfinished;
}

/** Retries the handler until it succeeds (true) or the signal stops it (false). */
async function handleUntilDone(record: ConsumedRecord, options: BatchHandling): Promise<boolean> {
  const where = { topic: record.topic, partition: record.partition, offset: record.offset, key: record.key };
  const pause = options.pause ?? abortableSleep;
  for (let attempt = 1, delay = BACKOFF_START_MS; ; attempt++, delay = Math.min(delay * 2, BACKOFF_MAX_MS)) {
    if (options.signal.aborted) return false;
    try {
      await options.handler(record);
      return true;
    } catch (err) {
      // Never the record's value: it can carry personal data.
      options.log.error({ ...where, attempt, retryInMs: delay, err }, 'handler failed; retrying the same record');
    }
    await pause(delay, options.signal);
  }
}
