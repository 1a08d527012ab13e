// Orders per second through the whole pipeline: HTTP in → bus → router → delivery to a Lifecare
// stand-in (two deliveries per order: central inbox and coordinator).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import { startBrygga } from '../../src/main.ts';
import { lifecareExample } from '../support/examples.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { postMessage } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

export interface PipelineOptions {
  orders: number;
  concurrency: number;
  kafkaBrokers?: string[];
  redisUrl?: string;
}

export async function pipelineRate(options: PipelineOptions): Promise<number> {
  const lifecare = new LifecareStandIn();
  await lifecare.start();
  const brygga = await startBrygga(
    {
      port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'brygga-bench-')), configFile: DEFAULT_CONFIG_FILE,
      ...(options.kafkaBrokers ? { kafkaBrokers: options.kafkaBrokers, kafkaNamespace: `bench-${randomUUID().slice(0, 8)}.` } : {}),
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
      redisPrefix: `bench-${randomUUID().slice(0, 8)}:`, logLevel: 'silent',
      env: { LIFECARE_URL: lifecare.url, BRYGGA_PSEUDONYM_KEY: 'bench-pseudonym-key-0123456789' },
    },
    { logDestination: pino.destination({ dest: '/dev/null' }) },
  );
  const run = randomUUID().slice(0, 6);
  const bodies = Array.from({ length: options.orders }, (_, i) => lifecareExample('bestallning.xml', { beslutsId: `B-${run}-${i}` }));
  const before = lifecare.messages.size;
  const started = performance.now();
  let next = 0;
  const client = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const response = await postMessage(brygga.url, 'lifecare', body);
      if (response.status !== 202) throw new Error(`order refused: HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  await waitFor(() => lifecare.messages.size - before, (n) => n >= options.orders * 2, 'every delivery', 600_000);
  const seconds = (performance.now() - started) / 1000;
  await brygga.stop();
  await lifecare.stop();
  return options.orders / seconds;
}
