// Runs the fuzzer against the Lifecare endpoint and checks every answer: never a 5xx; 202 with
// event ids, or problem+json with a code from ERRORS and, for a refused message, a dead letter
// whose original bytes are exactly what was sent (checked against the topic at the end).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { DestinationStream } from 'pino';
import { fromBusRecord } from '../../src/canonical/envelope.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { ERRORS } from '../../src/errors.ts';
import { fuzzInput, type FuzzInput } from './inputs.ts';
import { openTestApi } from '../support/api.ts';

export const ENDPOINT = '/connectors/lifecare/messages';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Inputs drawn per fast-check sample: input i is reproducible from (seed, i). */
const BATCH = 200;

export interface FuzzOptions {
  seed: number;
  runs: number;
  concurrency?: number;
  logDestination: DestinationStream;
  /** Called about every progressEveryMs with the inputs done so far. */
  onProgress?: (done: number, elapsedMs: number) => void;
  progressEveryMs?: number;
  /** Where failing inputs are written for reproduction. */
  failuresDir?: string;
}

export interface FuzzFailure {
  index: number;
  kind: string;
  contentType: string | undefined;
  status: number;
  reason: string;
  file?: string;
}

export interface FuzzSummary {
  seed: number;
  inputs: number;
  accepted: number;
  refusedByCode: Record<string, number>;
  fiveXx: number;
  /** Log lines at level error or fatal. */
  errorLogs: number;
  deadLettersChecked: number;
  elapsedMs: number;
  failures: FuzzFailure[];
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** What is wrong with one answer, or undefined when it is one of the allowed answers. */
function judge(status: number, type: string | undefined, payload: string): { problem?: string; code?: string; deadLetterId?: string; accepted?: boolean } {
  if (status >= 500) return { problem: `status ${status}` };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return { problem: `status ${status} with a body that is not JSON` };
  }
  if (status === 202) {
    const ids = body.eventIds;
    if (body.accepted !== true || !Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && UUID.test(id))) {
      return { problem: '202 without valid event ids' };
    }
    if (typeof body.orderId !== 'string' || body.orderId.length === 0) return { problem: '202 without a subject' };
    return { accepted: true };
  }
  if (!type?.startsWith('application/problem+json')) return { problem: `status ${status} as ${type}, not application/problem+json` };
  const code = body.code;
  if (typeof code !== 'string' || !(code in ERRORS)) return { problem: `status ${status} with code ${String(code)}, not one of ERRORS` };
  if (ERRORS[code as keyof typeof ERRORS].status !== status || body.status !== status) return { problem: `${code} answered ${status}` };
  // A body over the limit is refused before it is read in full: it has no dead letter.
  if (code === 'BRY_BODY_TOO_LARGE') return { code };
  if (typeof body.deadLetterId !== 'string' || !UUID.test(body.deadLetterId)) return { problem: `${code} without a deadLetterId`, code };
  return { code, deadLetterId: body.deadLetterId };
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const summary: FuzzSummary = { seed: options.seed, inputs: 0, accepted: 0, refusedByCode: {}, fiveXx: 0, errorLogs: 0, deadLettersChecked: 0, elapsedMs: 0, failures: [] };
  // Counts the error lines the API logs (an unexpected error) on the way to the real destination.
  const logDestination = {
    write: (line: string) => {
      if (/"level":(50|60)\b/.test(line)) summary.errorLogs += 1;
      return options.logDestination.write(line);
    },
  };
  // A 1 MiB limit (maxBodyBytes) instead of the default 5 MiB, so that the huge-attribute
  // mutations cross it now and then without every input costing megabytes.
  const target = await openTestApi({ logDestination, maxBytes: 1 << 20 });
  const started = Date.now();
  /** deadLetterId → sha256 of the bytes sent. */
  const sent = new Map<string, string>();
  let lastProgress = started;

  const fail = (index: number, input: FuzzInput, status: number, reason: string): void => {
    const failure: FuzzFailure = { index, kind: input.kind, contentType: input.contentType, status, reason };
    if (options.failuresDir && summary.failures.length < 50) {
      mkdirSync(options.failuresDir, { recursive: true });
      failure.file = join(options.failuresDir, `input-${index}.bin`);
      writeFileSync(failure.file, input.body);
    }
    summary.failures.push(failure);
  };

  const one = async (index: number, input: FuzzInput): Promise<void> => {
    let status = 0;
    try {
      const response = await target.app.inject({
        method: 'POST',
        url: ENDPOINT,
        headers: input.contentType === undefined ? {} : { 'content-type': input.contentType },
        payload: input.body,
      });
      status = response.statusCode;
      if (status >= 500) summary.fiveXx += 1;
      const verdict = judge(status, response.headers['content-type'] as string | undefined, response.payload);
      if (verdict.problem) return fail(index, input, status, `${verdict.problem}: ${response.payload.slice(0, 300)}`);
      if (verdict.accepted) summary.accepted += 1;
      if (verdict.code) summary.refusedByCode[verdict.code] = (summary.refusedByCode[verdict.code] ?? 0) + 1;
      if (verdict.deadLetterId) {
        const digest = sha(input.body);
        const before = sent.get(verdict.deadLetterId);
        if (before !== undefined && before !== digest) return fail(index, input, status, 'two different bodies got the same deadLetterId');
        sent.set(verdict.deadLetterId, digest);
      }
    } catch (error) {
      fail(index, input, status, `inject threw: ${(error as Error).stack ?? String(error)}`);
    }
  };

  const concurrency = options.concurrency ?? 8;
  try {
    for (let from = 0; from < options.runs; from += BATCH) {
      const count = Math.min(BATCH, options.runs - from);
      const inputs = fc.sample(fuzzInput, { seed: options.seed + from / BATCH, numRuns: count });
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < inputs.length) {
            const i = next++;
            await one(from + i, inputs[i]!);
          }
        }),
      );
      summary.inputs += count;
      const now = Date.now();
      if (options.onProgress && now - lastProgress >= (options.progressEveryMs ?? 10_000)) {
        lastProgress = now;
        options.onProgress(summary.inputs, now - started);
      }
    }

    // Every refusal's dead letter is on the topic, with the original bytes exactly as sent.
    const onTopic = new Map<string, string>();
    await target.bus.readAll(TOPICS.deadLetters, (record) => {
      const event = fromBusRecord<{ originalBase64?: string }>(record);
      if (typeof event.data.originalBase64 === 'string') onTopic.set(event.id, sha(Buffer.from(event.data.originalBase64, 'base64')));
    });
    for (const [id, digest] of sent) {
      const found = onTopic.get(id);
      if (found === undefined) summary.failures.push({ index: -1, kind: 'dead-letter', contentType: undefined, status: 0, reason: `dead letter ${id} is not on ${TOPICS.deadLetters}` });
      else if (found !== digest) summary.failures.push({ index: -1, kind: 'dead-letter', contentType: undefined, status: 0, reason: `dead letter ${id} holds other bytes than were sent` });
      else summary.deadLettersChecked += 1;
    }
    if (summary.errorLogs > 0) summary.failures.push({ index: -1, kind: 'log', contentType: undefined, status: 0, reason: `${summary.errorLogs} error lines in the log` });
  } finally {
    summary.elapsedMs = Date.now() - started;
    await target.close();
  }
  return summary;
}

export function summaryLine(s: FuzzSummary): string {
  const refused = Object.entries(s.refusedByCode).sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ');
  const seconds = s.elapsedMs / 1000;
  return `fuzz: ${s.inputs} inputs (seed ${s.seed}), ${s.accepted} accepted, refused: ${refused || 'none'}; ${s.fiveXx} 5xx, ${s.errorLogs} error logs; ` +
    `${s.deadLettersChecked} dead letters checked; ${s.failures.length} failures; ${seconds.toFixed(1)} s, ${Math.round(s.inputs / seconds)} inputs/s`;
}
