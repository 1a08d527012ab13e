// docker-compose.yml cannot run here (no Docker engine), so this checks that what it names
// matches what the code reads: services, environment variables and persistence.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG_FILE, SETTINGS_ENV } from '../../src/config/settings.ts';

interface Service { image: string; command?: string[]; environment?: Record<string, string | number>; depends_on?: Record<string, unknown> }
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as { services: Record<string, Service> };
const configVariables = [...readFileSync(DEFAULT_CONFIG_FILE, 'utf8').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);

describe('docker-compose.yml', () => {
  const { kafka, redis, brygga } = compose.services;

  it('runs Apache Kafka 4.x in KRaft mode, Redis with persistence on, and Brygga on Node 24', () => {
    expect(kafka!.image).toMatch(/^apache\/kafka:4\./);
    expect(brygga!.image).toMatch(/^node:24-/);
    expect(kafka!.environment!.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(redis!.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(Object.keys(brygga!.depends_on ?? {})).toEqual(['kafka', 'redis']);
  });

  it('gives Brygga only environment variables the code or the configuration reads', () => {
    const known = new Set<string>([...SETTINGS_ENV, ...configVariables]);
    expect(Object.keys(brygga!.environment!).filter((name) => !known.has(name))).toEqual([]);
    expect(configVariables).toContain('LIFECARE_URL');
  });

  it('points Brygga at the compose services by their names and listeners', () => {
    const env = brygga!.environment!;
    expect(kafka!.environment!.KAFKA_ADVERTISED_LISTENERS).toContain(String(env.KAFKA_BROKERS));
    expect(new URL(String(env.REDIS_URL)).hostname).toBe('redis');
    expect(String(env.BRYGGA_CONFIG)).toMatch(/config\/brygga\.example\.yaml$/);
  });
});
