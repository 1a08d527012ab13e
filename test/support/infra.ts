// Where the tests find real Kafka and Redis, in this order: KAFKA_BROKERS / REDIS_URL when set;
// testcontainers when a Docker engine answers; otherwise scripts/kafka-local and the local Redis.
// The Kafka broker is the newest 4.x line; resolveKafka39 gives the bus contract suite a 3.9 one.
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

export interface Infra {
  kafkaBrokers: string;
  redisUrl: string;
  teardown: () => Promise<void>;
}

type Testcontainers = typeof import('testcontainers');
type Stop = () => Promise<void>;

const KAFKA_IMAGE = 'apache/kafka:4.4.0';
const KAFKA_39_IMAGE = 'apache/kafka:3.9.1';
const KAFKA_39_LOCAL = { KAFKA_LOCAL_VERSION: '3.9.1', KAFKA_LOCAL_PORT: '19094', KAFKA_LOCAL_DIR: fileURLToPath(new URL('../../.kafka-local/3.9.1', import.meta.url)) };
const REDIS_IMAGE = 'redis:7-alpine';
const LOCAL_REDIS_PORT = 6379;
const KAFKA_LOCAL = fileURLToPath(new URL('../../scripts/kafka-local', import.meta.url));

export async function resolveInfra(): Promise<Infra> {
  const stops: Stop[] = [];
  const teardown = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch((err) => console.error('[infra] teardown:', err));
  };
  try {
    const needsDocker = !process.env.KAFKA_BROKERS || !process.env.REDIS_URL;
    const tc = needsDocker && (await dockerAnswers()) ? await loadTestcontainers() : undefined;
    const kafkaBrokers = process.env.KAFKA_BROKERS ?? (tc ? await kafkaContainer(tc, stops) : kafkaLocal());
    const redisUrl = process.env.REDIS_URL ?? (tc ? await redisContainer(tc, stops) : await localRedis(stops));
    return { kafkaBrokers, redisUrl, teardown };
  } catch (err) {
    await teardown();
    throw err;
  }
}

/** The docker CLI honours DOCKER_HOST and contexts, and fails at once when no daemon runs. */
async function dockerAnswers(): Promise<boolean> {
  try {
    await promisify(execFile)('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 3_000 });
    return true;
  } catch {
    return false;
  }
}

/** Imported only when a Docker engine answers. */
function loadTestcontainers(): Promise<Testcontainers> {
  return import('testcontainers');
}

/**
 * A Kafka 3.9 broker, the older line Brygga still supports: KAFKA_BROKERS_3_9 when set, else a
 * container, else scripts/kafka-local on 127.0.0.1:19094 (left running, like the main one).
 */
export async function resolveKafka39(): Promise<{ brokers: string; teardown: () => Promise<void> }> {
  const stops: Stop[] = [];
  const teardown = async (): Promise<void> => {
    for (const stop of stops) await stop().catch((err) => console.error('[infra] teardown:', err));
  };
  if (process.env.KAFKA_BROKERS_3_9) return { brokers: process.env.KAFKA_BROKERS_3_9, teardown };
  const brokers = (await dockerAnswers()) ? await kafkaContainer(await loadTestcontainers(), stops, KAFKA_39_IMAGE) : kafkaLocal(KAFKA_39_LOCAL);
  return { brokers, teardown };
}

async function kafkaContainer(tc: Testcontainers, stops: Stop[], image = KAFKA_IMAGE): Promise<string> {
  // Kafka hands clients the advertised address, so host and container port must be the same.
  const port = await freePort();
  const host = (await tc.getContainerRuntimeClient()).info.containerRuntime.host;
  console.error(`[infra] starting ${image} on ${host}:${port}`);
  const container = await new tc.GenericContainer(image)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_NUM_PARTITIONS: '1',
    })
    .withWaitStrategy(tc.Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  stops.push(async () => void (await container.stop()));
  return `${host}:${port}`;
}

async function redisContainer(tc: Testcontainers, stops: Stop[]): Promise<string> {
  const container = await new tc.GenericContainer(REDIS_IMAGE)
    .withExposedPorts(6379)
    .withWaitStrategy(tc.Wait.forLogMessage(/Ready to accept connections/))
    .start();
  stops.push(async () => void (await container.stop()));
  return `redis://${container.getHost()}:${container.getMappedPort(6379)}/15`;
}

/**
 * The script reuses a broker that already answers, and teardown deliberately leaves the one it
 * started running: the next run then starts in well under a second instead of seconds.
 * `scripts/kafka-local stop` ends it.
 */
function kafkaLocal(env: Record<string, string> = {}): string {
  console.error(`[infra] no Docker engine: using scripts/kafka-local${env.KAFKA_LOCAL_VERSION ? ` (Kafka ${env.KAFKA_LOCAL_VERSION})` : ''}`);
  const result = spawnSync('bash', [KAFKA_LOCAL, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    // The first run may fetch the Kafka jars with Maven.
    timeout: 600_000,
  });
  const brokers = /^KAFKA_BROKERS=(\S+)\s*$/m.exec(result.stdout ?? '')?.[1];
  if (result.status !== 0 || !brokers) {
    throw new Error(`scripts/kafka-local start failed (exit ${result.status ?? result.signal ?? result.error?.message}); see its output above`);
  }
  return brokers;
}

async function localRedis(stops: Stop[]): Promise<string> {
  const url = `redis://127.0.0.1:${LOCAL_REDIS_PORT}/15`;
  if (await redisAnswers(url)) return url;
  const args = ['--port', String(LOCAL_REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes'];
  const started = spawnSync('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if ((started.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('no Redis: set REDIS_URL, start Docker, or install Redis (apt-get install redis-server)');
  }
  if (started.status !== 0) throw new Error(`redis-server did not start (exit ${started.status ?? started.signal})`);
  for (const deadline = Date.now() + 10_000; !(await redisAnswers(url)); ) {
    if (Date.now() > deadline) throw new Error(`redis-server started but ${url} does not answer PING`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.error(`[infra] started redis-server on 127.0.0.1:${LOCAL_REDIS_PORT}`);
  stops.push(async () => {
    const client = redisClient(url);
    await client.connect();
    // SHUTDOWN closes the connection instead of replying.
    await client.call('SHUTDOWN', 'NOSAVE').catch(() => {});
    client.disconnect();
  });
  return url;
}

/** Whether a Redis answers PING at the URL (no retries, errors swallowed). */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = redisClient(url);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function redisClient(url: string): Redis {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {}); // failures surface through the awaited calls
  return client;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
