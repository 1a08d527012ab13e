// Starts (or finds) the real Kafka broker and Redis the integration tests talk to, once per run.
import type { TestProject } from 'vitest/node';
import { resolveInfra } from './infra.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infra = await resolveInfra();
  project.provide('kafkaBrokers', infra.kafkaBrokers);
  project.provide('redisUrl', infra.redisUrl);
  return infra.teardown;
}
