// At-least-once with idempotency keys: SIGKILL between receive and deliver, and between deliver
// and commit; after a restart the order is at the provider exactly once and its deadline stays.
// R-ORDER-CENTRAL-INBOX, R-KVITTENS-3VD.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, inject } from 'vitest';
import type { OrderTrace } from '../../src/trace/query.ts';
import { ADAPTER_SETS, type AdapterSet } from '../support/brygga.ts';
import { exampleConfigWith } from '../support/config.ts';
import { spawnBrygga, type BryggaProcess } from '../support/brygga-process.ts';
import { lifecareExample } from '../support/examples.ts';
import { LifecareStandIn, type StandInMode } from '../support/lifecare-standin.ts';
import { getJson, postMessage } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

const CENTRAL = 'ÄO Dagverksamhet Inkorg';

function envFor(adapters: AdapterSet, lifecareUrl: string): Record<string, string> {
  const env: Record<string, string> = {
    BRYGGA_DATA_DIR: mkdtempSync(join(tmpdir(), 'brygga-crash-')),
    LIFECARE_URL: lifecareUrl,
    BRYGGA_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789',
    // A killed instance's delivery in hand comes back once its lease runs out: 5 s, not the default minute.
    BRYGGA_CONFIG: exampleConfigWith({ leaseMs: 5000 }),
  };
  if (adapters === 'kafka+redis') {
    env.KAFKA_BROKERS = inject('kafkaBrokers');
    env.REDIS_URL = inject('redisUrl');
    env.BRYGGA_REDIS_PREFIX = `crash-${randomUUID().slice(0, 8)}:`;
    env.BRYGGA_KAFKA_NAMESPACE = `crash-${randomUUID().slice(0, 8)}.`;
  }
  return env;
}

describe.each(ADAPTER_SETS)('SIGKILL and restart (%s)', (adapters) => {
  let lifecare: LifecareStandIn | undefined;
  let running: BryggaProcess | undefined;

  afterEach(async () => {
    await running?.stop();
    await lifecare?.stop();
  });

  async function crashAt(mode: Exclude<StandInMode, 'normal'>): Promise<void> {
    const standIn = (lifecare = new LifecareStandIn());
    await standIn.start();
    const env = envFor(adapters, standIn.url);
    const beslutsId = `B-2026-${Math.floor(Math.random() * 1e6)}`;
    const forThisOrder = () => standIn.to(CENTRAL).filter((m) => m.beslutsId === beslutsId);

    standIn.mode = mode;
    running = await spawnBrygga(env);
    const accepted = await postMessage(running.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId, createdAt: new Date() }));
    expect(accepted.status).toBe(202);
    // The delivery is in flight: the stand-in holds the request open (and, in store-then-hang, has stored it).
    // Both inboxes' deliveries go out at once: in store-then-hang wait for the central one itself.
    await waitFor(() => (mode === 'hang' ? standIn.posts.length : forThisOrder().length), (n) => n > 0, 'a delivery attempt');
    await running.kill();
    expect(forThisOrder()).toHaveLength(mode === 'hang' ? 0 : 1);

    standIn.mode = 'normal';
    running = await spawnBrygga(env);
    await waitFor(() => forThisOrder().length, (n) => n === 1, 'the order at the central inbox', 60_000);
    const url = running.url;
    const trace = await waitFor(
      () => getJson<OrderTrace>(`${url}/api/orders/${beslutsId}`),
      (t) => t.deliveries?.length > 0 && t.deliveries.every((d) => d.status === 'delivered'),
      'every delivery of the order delivered',
      60_000,
    );
    // Exactly once at the provider although the order was (in store-then-hang) sent twice.
    expect(forThisOrder()).toHaveLength(1);
    if (mode === 'store-then-hang') {
      const id = forThisOrder()[0]!.meddelandeId;
      expect(standIn.posts.filter((p) => p === id).length).toBeGreaterThanOrEqual(2);
    }
    // R-KVITTENS-3VD: sent just now, so due at the end of the third weekday from today (within ten days, Christmas included).
    const kvittens = trace.deadlines.find((d) => d.kind === 'kvittens');
    expect(kvittens).toMatchObject({ status: 'open' });
    expect(Date.parse(kvittens!.dueAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(kvittens!.dueAt)).toBeLessThan(Date.now() + 10 * 86_400_000);
  }

  it('killed between receive and deliver: delivered once after restart, deadline kept', () => crashAt('hang'), 180_000);
  it('killed between deliver and commit: the resend carries the same MeddelandeId and the provider holds it once', () => crashAt('store-then-hang'), 180_000);
});
