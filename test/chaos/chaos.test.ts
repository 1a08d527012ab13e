// The short chaos run (`npm run chaos` is the long one): 200 orders while Brygga is SIGKILLed
// 3 times, and on Kafka + Redis the broker and Redis restarted mid-stream; every order at both
// its inboxes, none under two MeddelandeIds. R-ORDER-CENTRAL-INBOX, R-ORDER-COORDINATOR-SEES-ALL.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ADAPTER_SETS } from '../support/brygga.ts';
import { formatReport, runChaos } from './chaos.ts';
import { endEverything } from './infra.ts';

// Kafka + Redis runs its own broker (scripts/kafka-local: Java) and redis-server, to restart them.
const found = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const ownInfra = found('java') && found('redis-server');

// A run cut short (timeout) leaves nothing running: the broker is a process of its own.
afterAll(endEverything);

describe.each(ADAPTER_SETS)('chaos (%s)', (adapters) => {
  it.skipIf(adapters === 'kafka+redis' && !ownInfra)(
    `200 orders, 3 SIGKILLs${adapters === 'kafka+redis' ? ', a broker and a Redis restart' : ''}: none lost, none doubled`,
    async () => {
      const seed = Math.floor(Math.random() * 2 ** 31);
      const report = await runChaos({
        adapters, orders: 200, kills: 3, seed, concurrency: 8,
        restartBroker: true, restartRedis: true, outageMs: 2_000,
        leaseMs: 3_000, lifecareTimeoutMs: 2_000,
        sendTimeoutMs: 240_000, drainTimeoutMs: 120_000,
      });
      console.log(formatReport(report));
      expect(report.refused).toEqual([]);
      expect(report.accepted).toBe(200);
      expect(report.kills).toBe(3);
      if (adapters === 'kafka+redis') expect([report.brokerRestarts, report.redisRestarts]).toEqual([1, 1]);
      expect(report.lost).toEqual([]);
      expect(report.doubled).toEqual([]);
    },
    420_000,
  );
});
