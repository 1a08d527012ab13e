// The process settings that come from the environment (the composition root is the only
// place that reads process.env, through this function).
import { fileURLToPath } from 'node:url';
import { BryggaError } from '../errors.ts';

/** Every environment variable the process reads (the configuration file may reference more). */
export const SETTINGS_ENV = ['PORT', 'HOST', 'BRYGGA_DATA_DIR', 'BRYGGA_CONFIG', 'KAFKA_BROKERS', 'BRYGGA_KAFKA_NAMESPACE', 'BRYGGA_KAFKA_REPLICATION_FACTOR', 'BRYGGA_KAFKA_FETCH_MAX_WAIT_MS', 'REDIS_URL', 'BRYGGA_REDIS_PREFIX', 'LOG_LEVEL', 'BRYGGA_OPERATOR_KEY'] as const;

export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  configFile: string;
  kafkaBrokers?: string[];
  /** Put before every topic and consumer group, so several deployments share one Kafka cluster. */
  kafkaNamespace?: string;
  /** Replicas of each topic Brygga creates; unset: the broker's default. */
  kafkaReplicationFactor?: number;
  /** How long the broker may hold a fetch: each hop's latency when idle, against idle CPU. */
  kafkaFetchMaxWaitMs?: number;
  redisUrl?: string;
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  redisPrefix: string;
  logLevel: string;
  /** One operator API key (BRYGGA_OPERATOR_KEY), for a setup without an `auth` block. */
  operatorKey?: string;
  /** Variables the configuration file may reference as ${VAR}. */
  env: NodeJS.ProcessEnv;
}

export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../config/brygga.example.yaml', import.meta.url));

export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new BryggaError('BRY_CONFIG_INVALID', `PORT must be a port number, got '${env.PORT}'`);
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir: env.BRYGGA_DATA_DIR ?? '.data',
    configFile: env.BRYGGA_CONFIG ?? DEFAULT_CONFIG_FILE,
    kafkaBrokers: env.KAFKA_BROKERS ? env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean) : undefined,
    kafkaNamespace: kafkaNamespace(env.BRYGGA_KAFKA_NAMESPACE),
    kafkaReplicationFactor: replicationFactor(env.BRYGGA_KAFKA_REPLICATION_FACTOR),
    kafkaFetchMaxWaitMs: fetchMaxWait(env.BRYGGA_KAFKA_FETCH_MAX_WAIT_MS),
    redisUrl: env.REDIS_URL || undefined,
    redisPrefix: env.BRYGGA_REDIS_PREFIX ?? 'brygga:',
    logLevel: env.LOG_LEVEL ?? 'info',
    operatorKey: env.BRYGGA_OPERATOR_KEY || undefined,
    env,
  };
}

function kafkaNamespace(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(value)) throw new BryggaError('BRY_CONFIG_INVALID', `BRYGGA_KAFKA_NAMESPACE may hold letters, digits, '.', '_' and '-' only, got '${value}'`);
  return value;
}

function replicationFactor(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 32767) throw new BryggaError('BRY_CONFIG_INVALID', `BRYGGA_KAFKA_REPLICATION_FACTOR must be a whole number of replicas (1 or more), got '${value}'`);
  return n;
}

function fetchMaxWait(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1 || ms > 30_000) throw new BryggaError('BRY_CONFIG_INVALID', `BRYGGA_KAFKA_FETCH_MAX_WAIT_MS must be whole milliseconds from 1 to 30000, got '${value}'`);
  return ms;
}
