// `npm run fuzz`: 100,000 generated and mutated inputs to POST /connectors/lifecare/messages
// (FUZZ_RUNS, FUZZ_SEED to repeat a run). Exits 1 on any failure, listing the failing inputs.
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { runFuzz, summaryLine } from './run.ts';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) {
  console.error('fuzz: FUZZ_SEED and FUZZ_RUNS must be integers');
  process.exit(2);
}
const failuresDir = join(tmpdir(), `brygga-fuzz-failures-${seed}`);
console.log(`fuzz: seed ${seed} (repeat with FUZZ_SEED=${seed}), ${runs} inputs to POST /connectors/lifecare/messages`);
const logFile = process.env.FUZZ_LOG_FILE;
const summary = await runFuzz({
  seed,
  runs,
  failuresDir,
  logDestination: logFile ? pino.destination({ dest: logFile, sync: false, mkdir: true }) : pino.destination({ dest: '/dev/null', sync: false }),
  onProgress: (done, ms) => console.log(`fuzz: ${done}/${runs} inputs, ${(ms / 1000).toFixed(0)} s, ${Math.round(done / (ms / 1000))} inputs/s`),
});
for (const f of summary.failures.slice(0, 20)) {
  console.log(`  #${f.index} ${f.kind} content-type ${JSON.stringify(f.contentType)} → ${f.status}: ${f.reason.split('\n')[0]}${f.file ? ` (${f.file})` : ''}`);
}
console.log(summaryLine(summary));
process.exit(summary.failures.length > 0 ? 1 : 0);
