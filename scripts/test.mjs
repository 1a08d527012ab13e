#!/usr/bin/env node
// `npm test`: runs the whole suite with every log line captured to one file, then audits that
// file for personal data (a personnummer must never reach a log), and prints one summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = join('.data', 'test-run');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const env = { ...process.env, BRYGGA_TEST_LOG_FILE: join(process.cwd(), dir, 'logs.ndjson') };
const extra = process.argv.slice(2);

function vitest(name, args) {
  const report = join(dir, `${name}.json`);
  const run = spawnSync('npx', ['vitest', 'run', '--config', 'test/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args], { stdio: 'inherit', env });
  let counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    counts = { passed: r.numPassedTests, failed: r.numFailedTests + (r.numRuntimeErrors ?? 0), skipped: r.numPendingTests + r.numTodoTests };
  } catch {
    counts.failed += 1;
  }
  return { status: run.status ?? 1, counts };
}

process.stderr.write('test: type-checking (tsc --noEmit)\n');
const typecheck = spawnSync('npx', ['tsc', '--noEmit', '-p', '.'], { stdio: 'inherit', env });
if (typecheck.status !== 0) {
  console.log('\ntests: 0 passed, 1 failed (the type check)');
  process.exit(1);
}

const suite = vitest('suite', ['--exclude', 'test/audit/**', ...extra]);
const audit = extra.length === 0 ? vitest('audit', ['test/audit']) : { status: 0, counts: { passed: 0, failed: 0, skipped: 0 } };
const total = ['passed', 'failed', 'skipped'].map((k) => suite.counts[k] + audit.counts[k]);
console.log(`\ntests: ${total[0]} passed, ${total[1]} failed, ${total[2]} skipped`);
process.exit(suite.status !== 0 || audit.status !== 0 ? 1 : 0);
