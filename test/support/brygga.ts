// Starts Brygga in the test process on the embedded adapters or on the real Kafka and Redis.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Clock } from '../../src/clock.ts';
import { DEFAULT_CONFIG_FILE, type Settings } from '../../src/config/settings.ts';
import { startBrygga, type RunningBrygga } from '../../src/main.ts';
import { testLogDestination } from './logs.ts';

export type AdapterSet = 'embedded' | 'kafka+redis';
export const ADAPTER_SETS: AdapterSet[] = ['embedded', 'kafka+redis'];

export function testSettings(adapters: AdapterSet, lifecareUrl: string, overrides: Partial<Settings> = {}): Settings {
  const real = adapters === 'kafka+redis';
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'brygga-test-')),
    configFile: DEFAULT_CONFIG_FILE,
    // Each test's own topics and consumer groups: records a stopped instance of another test left
    // uncommitted never reach this one.
    ...(real ? { kafkaBrokers: inject('kafkaBrokers').split(','), kafkaNamespace: `test-${randomUUID().slice(0, 8)}.`, redisUrl: inject('redisUrl') } : {}),
    redisPrefix: `test-${randomUUID().slice(0, 8)}:`,
    logLevel: 'debug',
    env: { LIFECARE_URL: lifecareUrl, BRYGGA_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789' },
    ...overrides,
  };
}

export function startTestBrygga(settings: Settings, clock?: Clock): Promise<RunningBrygga> {
  return startBrygga(settings, { logDestination: testLogDestination(), ...(clock ? { clock } : {}) });
}
