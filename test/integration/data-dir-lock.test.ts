// One owner per data directory: a second Brygga on the same BRYGGA_DATA_DIR is refused before it
// touches a file (BRY_DATA_DIR_IN_USE), in another process and in this one; a lock left by a dead
// process is taken over; Kafka + Redis take no lock.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { foldCommitLines, parseCommitted } from '../../src/bus/embedded-group.ts';
import { LOCK_FILE } from '../../src/data-dir-lock.ts';
import { BryggaError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { openAdapters, openBus } from '../../src/main.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { testSettings } from '../support/brygga.ts';
import { inheritedEnv, spawnBrygga, type BryggaProcess } from '../support/brygga-process.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { testLogger } from '../support/logs.ts';
import { waitFor } from '../support/wait.ts';

/** Every file under dir with the sha-256 of its bytes. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[path.slice(dir.length)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Whether every consumer group has committed up to the end of every partition of the topics it reads. */
function caughtUp(dataDir: string): boolean {
  const groups = join(dataDir, 'bus', 'groups');
  const topics = join(dataDir, 'bus', 'topics');
  if (!existsSync(groups)) return false;
  const records = (file: string): number => readFileSync(join(topics, file), 'utf8').split('\n').filter(Boolean).length;
  return readdirSync(groups).filter((f) => f.endsWith('.json')).every((f) => {
    // A running group's newest commits are lines in <group>.commits after its snapshot.
    const offsets = parseCommitted(readFileSync(join(groups, f), 'utf8'))!;
    const lines = join(groups, f.replace(/\.json$/, '.commits'));
    if (existsSync(lines)) foldCommitLines(offsets, readFileSync(lines, 'utf8'));
    return Object.entries(offsets).every(([topic, committed]) => {
      const partitions = Number(readFileSync(join(topics, `${topic}.partitions`), 'utf8'));
      return Array.from({ length: partitions }, (_, p) => records(p === 0 ? `${topic}.log` : `${topic}.log.${p}`) === (committed[p] ?? 0)).every(Boolean);
    });
  });
}

function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (chunks.push(chunk.toString()), done()) });
  return { logger: createLogger({ level: 'debug', destination: sink }), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('one Brygga per data directory', () => {
  let lifecare: LifecareStandIn | undefined;
  let first: BryggaProcess | undefined;

  afterEach(async () => {
    await first?.stop();
    await lifecare?.stop();
  });

  it('refuses a second `brygga start` on the same data dir: exit non-zero with one line, the first one\'s files untouched and it still delivers', async () => {
    const standIn = (lifecare = new LifecareStandIn());
    await standIn.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'brygga-lock-'));
    const env = { BRYGGA_DATA_DIR: dataDir, LIFECARE_URL: standIn.url, BRYGGA_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789' };
    first = await spawnBrygga(env);
    const url = first.url;

    const order = async (beslutsId: string): Promise<void> => {
      expect((await postMessage(url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId, createdAt: new Date() }))).status).toBe(202);
      await waitFor(
        () => getJson<OrderTrace>(`${url}/api/orders/${beslutsId}`),
        (t) => t.deliveries?.length > 0 && t.deliveries.every((d) => d.status === 'delivered'),
        `order ${beslutsId} delivered`,
        60_000,
      );
    };
    await order(`B-2026-${Math.floor(Math.random() * 1e6)}`);
    // At rest: every stage has committed every record, and two looks a moment apart see the same bytes.
    let before = fingerprint(dataDir);
    await waitFor(() => {
      const now = fingerprint(dataDir);
      const same = JSON.stringify(now) === JSON.stringify(before);
      before = now;
      return same && caughtUp(dataDir);
    }, Boolean, 'the data dir at rest');

    const second = spawn(process.execPath, ['scripts/brygga.mjs', 'start'], {
      env: { ...inheritedEnv(), ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: BRY_DATA_DIR_IN_USE: /);
    expect(lines[0]).toContain(dataDir);
    expect(lines[0]).toContain(`process ${first.child.pid}`);

    expect(fingerprint(dataDir)).toEqual(before);
    await order(`B-2026-${Math.floor(Math.random() * 1e6)}`);

    await first.stop();
    first = undefined;
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  }, 180_000);

  it('refuses a second open in the same process until the first is closed', async () => {
    const settings = testSettings('embedded', 'http://127.0.0.1:1/unused');
    const logger = testLogger();
    const one = openAdapters(settings, logger);
    await one.store.set('k', 'v');

    let refusal: unknown;
    try {
      openAdapters(settings, logger);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(BryggaError);
    expect((refusal as BryggaError).code).toBe('BRY_DATA_DIR_IN_USE');
    expect((refusal as BryggaError).message).toContain(`process ${process.pid}`);
    expect(() => openBus(settings, logger)).toThrow(/BRY_DATA_DIR_IN_USE|in use by process/);

    await one.bus.close();
    expect(() => openAdapters(settings, logger)).toThrow(/in use/); // the store still holds it
    await one.store.close();
    expect(existsSync(join(settings.dataDir, LOCK_FILE))).toBe(false);

    const again = openAdapters(settings, logger);
    expect(await again.store.get('k')).toBe('v');
    await again.bus.close();
    await again.store.close();
  });

  it('takes over a lock whose process is dead, or an earlier process with this pid, and says so', async () => {
    for (const pid of [deadPid(), process.pid]) {
      const settings = testSettings('embedded', 'http://127.0.0.1:1/unused');
      const stale = JSON.stringify({ pid, host: (await import('node:os')).hostname(), startedAt: '2026-11-20T08:00:00.000Z' });
      writeFileSync(join(settings.dataDir, LOCK_FILE), stale);
      const { logger, lines } = capturingLogger();
      const { bus, store } = openAdapters(settings, logger);
      await store.set('k', 'v');
      const mine = JSON.parse(readFileSync(join(settings.dataDir, LOCK_FILE), 'utf8')) as { pid: number };
      expect(mine.pid).toBe(process.pid);
      logger.flush();
      await waitFor(() => lines().find((l) => /taking over the data directory lock/.test(String(l.msg))), Boolean, 'the take-over log line');
      expect(lines().find((l) => /taking over/.test(String(l.msg)))).toMatchObject({ level: 40, previousOwner: { pid } });
      await bus.close();
      await store.close();
    }
  });

  it('Kafka and Redis take no lock: several instances on them is the point', async () => {
    const settings = testSettings('kafka+redis', 'http://127.0.0.1:1/unused');
    const one = openAdapters(settings, testLogger());
    const two = openAdapters(settings, testLogger());
    expect(existsSync(join(settings.dataDir, LOCK_FILE))).toBe(false);
    for (const { bus, store } of [one, two]) {
      await bus.close();
      await store.close();
    }
    expect(inject('kafkaBrokers')).toBeTruthy();
  });
});
