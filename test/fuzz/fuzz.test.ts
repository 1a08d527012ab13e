// A short seeded run of the fuzzer inside the suite (`npm run fuzz` runs 100,000 inputs):
// every answer of POST /connectors/lifecare/messages is a 202 with event ids or a problem+json
// with a known code, never a 5xx, and every refusal's bytes are on the dead-letter topic as sent.
import { describe, expect, it } from 'vitest';
import { testLogDestination } from '../support/logs.ts';
import { runFuzz, summaryLine } from './run.ts';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

describe('fuzz: POST /connectors/lifecare/messages', () => {
  it(`1,500 generated and mutated inputs (seed ${seed}): no 5xx, known codes, every refusal dead-lettered as sent`, async () => {
    const summary = await runFuzz({ seed, runs: 1500, logDestination: testLogDestination() });
    console.log(summaryLine(summary));
    expect(summary.failures.map((f) => `#${f.index} ${f.kind} ${JSON.stringify(f.contentType)} → ${f.status}: ${f.reason.slice(0, 300)}`), `FUZZ_SEED=${seed}`).toEqual([]);
    expect(summary.fiveXx).toBe(0);
    expect(summary.inputs).toBe(1500);
    expect(summary.accepted).toBeGreaterThan(0);
    expect(summary.deadLettersChecked).toBeGreaterThan(0);
  }, 180_000);
});
