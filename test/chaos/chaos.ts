// The chaos run: a stream of orders posted to Brygga while it is SIGKILLed and restarted at
// random (seeded) moments, and on Kafka + Redis the broker and Redis restarted mid-stream. At the
// end every accepted order must be at both its inboxes (central inbox and coordinator,
// R-ORDER-CENTRAL-INBOX, R-ORDER-COORDINATOR-SEES-ALL) under one MeddelandeId each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AdapterSet } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { BryggaChild } from './brygga.ts';
import { exampleConfigSetting } from './config.ts';
import { freePort, OwnKafka, OwnRedis } from './infra.ts';

export const CENTRAL = 'ÄO Dagverksamhet Inkorg';
export const COORDINATOR = 'ÄO Dagverksamhet Samordnare';
const INBOXES = [CENTRAL, COORDINATOR];

export interface ChaosOptions {
  adapters: AdapterSet;
  orders: number;
  kills: number;
  seed: number;
  /** Orders posted at once. */
  concurrency: number;
  /** Kafka + Redis only: restart the broker, and Redis, once each mid-stream. */
  restartBroker: boolean;
  restartRedis: boolean;
  /** How long the broker and Redis stay down when restarted. */
  outageMs: number;
  /** Delivery lease (a killed instance's claimed deliveries come back after it) and Lifecare timeout. */
  leaseMs: number;
  lifecareTimeoutMs: number;
  /** Time allowed for sending every order, and then for delivering them all. */
  sendTimeoutMs: number;
  drainTimeoutMs: number;
  /** Where Brygga's log goes (kept); default a temporary directory, removed when the run passed. */
  logDir?: string;
  progress?: (line: string) => void;
  progressEveryMs?: number;
}

export interface Doubled {
  beslutsId: string;
  inbox: string;
  meddelandeIds: string[];
}

export interface ChaosReport {
  adapters: AdapterSet;
  seed: number;
  orders: number;
  accepted: number;
  /** Orders answered with a 4xx: a resend cannot help, so they count as a failure. */
  refused: { beslutsId: string; status: number; body: string }[];
  /** POSTs that had to be repeated (connection refused, reset, 5xx, timeout). */
  sendRetries: number;
  kills: number;
  bryggaStarts: number;
  failedStarts: number;
  brokerRestarts: number;
  redisRestarts: number;
  /** Accepted orders missing at one of their inboxes: `beslutsId → inboxes missing`. */
  lost: { beslutsId: string; missing: string[] }[];
  /** (order, inbox) pairs that got more than one MeddelandeId. */
  doubled: Doubled[];
  /** Messages at other inboxes or about orders not sent. */
  unexpected: number;
  deliveredMessages: number;
  /** POSTs of a MeddelandeId Lifecare already had (the same delivery sent again). */
  redeliveries: number;
  redeliveredIds: number;
  sendSeconds: number;
  elapsedSeconds: number;
  ordersPerSecond: number;
  logFile: string;
}

/** mulberry32: small, seedable, good enough to place kills. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type ChaosAction = 'kill' | 'broker' | 'redis';
interface ChaosEvent {
  /** Fires once the run's progress (below) reaches this fraction, `jitterMs` later. */
  at: number;
  jitterMs: number;
  action: ChaosAction;
}

/**
 * Progress is half acceptance, half delivery (accepted orders plus messages at Lifecare over
 * twice each), so the moments fall both while orders come in and while their deliveries drain.
 */
function plan(options: ChaosOptions, random: () => number): ChaosEvent[] {
  const between = (from: number, to: number) => from + (to - from) * random();
  const events: ChaosEvent[] = [];
  for (let i = 0; i < options.kills; i++) events.push({ at: between(0.01, 0.97), jitterMs: Math.floor(random() * 500), action: 'kill' });
  if (options.adapters === 'kafka+redis') {
    if (options.restartBroker) events.push({ at: between(0.2, 0.45), jitterMs: 0, action: 'broker' });
    if (options.restartRedis) events.push({ at: between(0.5, 0.75), jitterMs: 0, action: 'redis' });
  }
  return events.sort((a, b) => a.at - b.at);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Per order, per inbox, the MeddelandeIds Lifecare holds. */
function tally(standIn: LifecareStandIn, sent: Set<string>): { byOrder: Map<string, Map<string, Set<string>>>; unexpected: number } {
  const byOrder = new Map<string, Map<string, Set<string>>>();
  let unexpected = 0;
  for (const message of standIn.messages.values()) {
    const inbox = message.mottagare.name ?? '';
    if (!message.beslutsId || !sent.has(message.beslutsId) || !INBOXES.includes(inbox)) {
      unexpected++;
      continue;
    }
    let inboxes = byOrder.get(message.beslutsId);
    if (!inboxes) byOrder.set(message.beslutsId, (inboxes = new Map()));
    let ids = inboxes.get(inbox);
    if (!ids) inboxes.set(inbox, (ids = new Set()));
    ids.add(message.meddelandeId);
  }
  return { byOrder, unexpected };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const random = seededRandom(options.seed);
  const events = plan(options, random);
  const say = options.progress ?? (() => {});
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'brygga-chaos-log-'));
  const logFile = join(logDir, `brygga-${options.adapters.replace('+', '-')}-${options.seed}.ndjson`);
  const dataDir = mkdtempSync(join(tmpdir(), 'brygga-chaos-data-'));
  const started = performance.now();

  const standIn = new LifecareStandIn();
  await standIn.start();
  let kafka: OwnKafka | undefined;
  let redis: OwnRedis | undefined;
  let brygga: BryggaChild | undefined;
  let configFile: string | undefined;
  let keepLog = true;
  const counts = { accepted: 0, sendRetries: 0, kills: 0, broker: 0, redis: 0 };
  try {
    const port = await freePort();
    const env: Record<string, string> = {
      PORT: String(port),
      BRYGGA_DATA_DIR: dataDir,
      LIFECARE_URL: standIn.url,
      BRYGGA_PSEUDONYM_KEY: 'chaos-pseudonym-key-0123456789',
      BRYGGA_CONFIG: (configFile = exampleConfigSetting({ 'delivery.leaseMs': options.leaseMs, 'systems.lifecare.timeoutMs': options.lifecareTimeoutMs })),
    };
    if (options.adapters === 'kafka+redis') {
      [kafka, redis] = await Promise.all([OwnKafka.start(), OwnRedis.start()]);
      env.KAFKA_BROKERS = kafka.brokers;
      env.REDIS_URL = redis.url;
      env.BRYGGA_REDIS_PREFIX = `chaos-${options.seed}:`;
    }
    brygga = new BryggaChild(env, logFile);
    await brygga.start();
    const url = `http://127.0.0.1:${port}/connectors/lifecare/messages`;
    const run = (options.seed % 1_000_000).toString(36);
    const beslutsIds = Array.from({ length: options.orders }, (_, i) => `B-CH${run}-${i}`);
    const sent = new Set(beslutsIds);
    const refused: ChaosReport['refused'] = [];
    const sendUntil = Date.now() + options.sendTimeoutMs;
    let delivered = 0;
    let failure: Error | undefined;

    const ticker = setInterval(() => {
      delivered = standIn.messages.size;
      const s = ((performance.now() - started) / 1000).toFixed(0);
      say(`[chaos ${options.adapters}] ${s}s: accepted ${counts.accepted}/${options.orders}, at Lifecare ${delivered}/${counts.accepted * 2}, ` +
        `kills ${counts.kills}/${options.kills}, broker ${counts.broker}, redis ${counts.redis}, resends ${counts.sendRetries}, brygga ${brygga!.up ? 'up' : 'down'}`);
    }, options.progressEveryMs ?? 10_000);

    try {
      // The sender: each order posted until it gets 202 (an answer lost to a kill is posted again).
      let next = 0;
      const sender = async () => {
        while (next < beslutsIds.length && !failure) {
          const beslutsId = beslutsIds[next++]!;
          const body = new Uint8Array(lifecareExample('bestallning.xml', { beslutsId, createdAt: new Date() }));
          for (;;) {
            if (failure) return;
            if (Date.now() > sendUntil) throw new Error(`sending timed out after ${options.sendTimeoutMs} ms with ${counts.accepted} accepted`);
            let status = 0;
            let text = '';
            try {
              const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body, signal: AbortSignal.timeout(30_000) });
              status = response.status;
              text = await response.text();
            } catch {
              // connection refused or reset (Brygga down or killed), or no answer in time
            }
            if (status === 202) {
              counts.accepted++;
              break;
            }
            if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
              refused.push({ beslutsId, status, body: text.slice(0, 500) });
              break;
            }
            counts.sendRetries++;
            await sleep(100 + Math.floor(Math.random() * 150));
          }
        }
      };

      // The chaos: kills and restarts in the planned order, each once the run has come that far.
      const progress = () => (counts.accepted + standIn.messages.size / 2) / (2 * options.orders);
      const chaos = async () => {
        let last = progress();
        let movedAt = Date.now();
        for (const event of events) {
          while (progress() < event.at && !failure) {
            if (progress() !== last) [last, movedAt] = [progress(), Date.now()];
            // Stuck (orders missing for good): the rest of the plan is dropped and the report tells.
            if (Date.now() - movedAt > options.drainTimeoutMs) {
              say(`[chaos ${options.adapters}] no progress for ${options.drainTimeoutMs} ms at ${(last * 100).toFixed(1)} %; no more kills`);
              return;
            }
            await sleep(10);
          }
          await sleep(event.jitterMs);
          if (event.action === 'kill') {
            await brygga!.kill();
            counts.kills++;
            await brygga!.start();
          } else if (event.action === 'broker') {
            say(`[chaos ${options.adapters}] restarting the Kafka broker`);
            await kafka!.restart(options.outageMs);
            counts.broker++;
          } else {
            say(`[chaos ${options.adapters}] restarting Redis (SIGKILL, AOF kept)`);
            await redis!.restart(options.outageMs);
            counts.redis++;
          }
        }
      };

      const fail = (error: Error) => {
        failure ??= error;
        throw error;
      };
      let sendSeconds = 0;
      const sending = Promise.all(Array.from({ length: options.concurrency }, () => sender().catch(fail))).then(() => {
        sendSeconds = (performance.now() - started) / 1000;
      });
      await Promise.all([sending, chaos().catch(fail)]);
      const accepted = new Set(beslutsIds.filter((id) => !refused.some((r) => r.beslutsId === id)));

      // Drain: every accepted order at both inboxes, or the time is up.
      const complete = () => {
        const { byOrder } = tally(standIn, sent);
        let missing = 0;
        for (const id of accepted) {
          const inboxes = byOrder.get(id);
          for (const inbox of INBOXES) if (!inboxes?.get(inbox)?.size) missing++;
        }
        return missing;
      };
      for (const until = Date.now() + options.drainTimeoutMs; complete() > 0 && Date.now() < until; ) await sleep(500);
      const deliveredAt = performance.now();
      // A little longer than a lease, so a late second copy (a delivery claimed again) shows too.
      await sleep(options.leaseMs + 2_000);

      const { byOrder, unexpected } = tally(standIn, sent);
      const lost: ChaosReport['lost'] = [];
      const doubled: Doubled[] = [];
      for (const id of accepted) {
        const inboxes = byOrder.get(id);
        const missing = INBOXES.filter((inbox) => !inboxes?.get(inbox)?.size);
        if (missing.length > 0) lost.push({ beslutsId: id, missing });
      }
      for (const [beslutsId, inboxes] of byOrder) {
        for (const [inbox, ids] of inboxes) if (ids.size > 1) doubled.push({ beslutsId, inbox, meddelandeIds: [...ids] });
      }
      const postsPerId = new Map<string, number>();
      for (const id of standIn.posts) postsPerId.set(id, (postsPerId.get(id) ?? 0) + 1);
      const repeated = [...postsPerId.values()].filter((n) => n > 1);
      const elapsedSeconds = (deliveredAt - started) / 1000;
      const report: ChaosReport = {
        adapters: options.adapters,
        seed: options.seed,
        orders: options.orders,
        accepted: counts.accepted,
        refused,
        sendRetries: counts.sendRetries,
        kills: counts.kills,
        bryggaStarts: brygga.starts,
        failedStarts: brygga.failedStarts,
        brokerRestarts: counts.broker,
        redisRestarts: counts.redis,
        lost,
        doubled,
        unexpected,
        deliveredMessages: standIn.messages.size,
        redeliveries: repeated.reduce((sum, n) => sum + n - 1, 0),
        redeliveredIds: repeated.length,
        sendSeconds,
        elapsedSeconds,
        ordersPerSecond: counts.accepted / elapsedSeconds,
        logFile,
      };
      keepLog = !passed(report);
      return report;
    } finally {
      clearInterval(ticker);
    }
  } finally {
    await brygga?.stop();
    await standIn.stop();
    await kafka?.stop().catch((error) => say(`[chaos] stopping the broker: ${(error as Error).message}`));
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (configFile) rmSync(dirname(configFile), { recursive: true, force: true });
    if (!keepLog && !options.logDir) rmSync(logDir, { recursive: true, force: true });
  }
}

export function formatReport(r: ChaosReport): string {
  const lines = [
    `chaos ${r.adapters} (seed ${r.seed})`,
    `  orders sent ${r.orders}, accepted (202) ${r.accepted}, refused ${r.refused.length}, resends ${r.sendRetries}`,
    `  kills ${r.kills} (SIGKILL), Brygga starts ${r.bryggaStarts} (failed starts ${r.failedStarts}), broker restarts ${r.brokerRestarts}, Redis restarts ${r.redisRestarts}`,
    `  orders lost ${r.lost.length}`,
    `  (order, inbox) pairs with more than one MeddelandeId ${r.doubled.length}`,
    `  redeliveries under the same MeddelandeId ${r.redeliveries} (of ${r.redeliveredIds} ids)`,
    `  messages at Lifecare ${r.deliveredMessages}, unexpected ${r.unexpected}`,
    `  elapsed ${r.elapsedSeconds.toFixed(1)} s (sending ${r.sendSeconds.toFixed(1)} s), ${r.ordersPerSecond.toFixed(1)} orders/s`,
    `  log: ${r.logFile}`,
  ];
  for (const l of r.lost.slice(0, 10)) lines.push(`  lost: ${l.beslutsId} missing at ${l.missing.join(', ')}`);
  for (const d of r.doubled.slice(0, 10)) lines.push(`  doubled: ${d.beslutsId} at ${d.inbox}: ${d.meddelandeIds.join(', ')}`);
  for (const f of r.refused.slice(0, 10)) lines.push(`  refused: ${f.beslutsId} HTTP ${f.status} ${f.body}`);
  return lines.join('\n');
}

export const passed = (r: ChaosReport): boolean =>
  r.lost.length === 0 && r.doubled.length === 0 && r.refused.length === 0 && r.accepted === r.orders;
