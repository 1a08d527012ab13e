// The HTTP API alone, as the fuzzer and the API's unit tests drive it (app.inject): buildApi over
// the embedded bus and store in a temporary data directory, with the composition root's
// connectors but without the background services (router, delivery, deadlines, traces).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { CONNECTORS } from '../../connectors/index.ts';
import { registerOperationsRoutes } from '../../src/api/operations.ts';
import { buildApi } from '../../src/api/server.ts';
import { activeConnectors } from '../../src/connectors/connector.ts';
import { createIntake } from '../../src/connectors/intake.ts';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { EventPublisher } from '../../src/canonical/publisher.ts';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { DeadLetterIndex } from '../../src/dead-letters/dead-letter-index.ts';
import { DeadLetterReplayer } from '../../src/dead-letters/replay.ts';
import { DeadLetters } from '../../src/routing/dead-letters.ts';
import { InboxDirectory } from '../../src/routing/inboxes.ts';
import { OrderRegistry } from '../../src/routing/order-registry.ts';
import { ReportService } from '../../src/reports/service.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { TraceQuery } from '../../src/trace/query.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { Authenticator } from '../../src/auth/authenticator.ts';
import type { AuthConfig } from '../../src/auth/schema.ts';

export interface TestApi {
  app: FastifyInstance;
  bus: EmbeddedBus;
  store: EmbeddedStore;
  maxBytes: number;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestApiOptions {
  logDestination: DestinationStream;
  logLevel?: string;
  maxBytes?: number;
  /** Credentials as the `auth` block and BRYGGA_OPERATOR_KEY give them; without: open (development mode). */
  auth?: Partial<AuthConfig> & { operatorKey?: string };
  /** Another configuration than the example, e.g. config/examples/multi-system.yaml (its variables' defaults apply). */
  configFile?: string;
  /** Sees every route as it is registered. */
  onRoute?: (route: RouteOptions) => void;
}

export async function openTestApi(options: TestApiOptions): Promise<TestApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brygga-api-'));
  const logger = createLogger({ level: options.logLevel ?? 'info', destination: options.logDestination });
  const config = loadConfig(options.configFile ?? DEFAULT_CONFIG_FILE, { LIFECARE_URL: 'http://127.0.0.1:9/lifecare', BRYGGA_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789' });
  const bus = new EmbeddedBus({ dataDir: join(dataDir, 'bus'), logger });
  const store = new EmbeddedStore({ dataDir: join(dataDir, 'store') });
  await bus.ensureTopics(Object.values(TOPICS).map((name) => ({ name, partitions: 1, retentionMs: -1 })));
  const metrics = createMetrics();
  const publisher = new EventPublisher(bus, systemClock);
  const maxBytes = options.maxBytes ?? config.maxBodyBytes;
  const deadLetters = new DeadLetters(publisher, metrics, () => systemClock.now());
  const { operatorKey, ...auth } = options.auth ?? {};
  const connectors = activeConnectors(CONNECTORS, config.systems);
  const connectorContext = {
    intake: createIntake({ publisher, deadLetters, metrics, logger }),
    clock: systemClock, logger, pseudonymKey: config.pseudonymKey, maxBytes,
  };
  const registry = new OrderRegistry(store);
  const app = buildApi({
    auth: new Authenticator({ apiKeys: [], ...auth }, { operatorKey, systems: Object.keys(config.systems) }),
    audit: new AuditLog(join(dataDir, 'audit'), systemClock.now),
    logger, store, metrics, publisher, clock: systemClock,
    traces: new TraceQuery(store),
    registry,
    reports: new ReportService(bus, config),
    connectors,
    connectorContext,
    maxBytes,
    health: async () => ({ bus: 'embedded', store: 'embedded' }),
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  // The operator's routes as the composition root adds them (after the hook, so that it sees them).
  const directory = new InboxDirectory(config);
  const index = new DeadLetterIndex({ kv: store, retentionMs: config.deadLetters.retentionMs });
  registerOperationsRoutes(app, {
    store, registry, directory, metrics, clock: systemClock, systems: ['lifecare'], deadLetters: index,
    replayer: new DeadLetterReplayer({ index, kv: store, connectors, connectorContext, directory, publisher, clock: systemClock }),
  });
  await app.ready();
  return {
    app, bus, store, maxBytes, dataDir,
    async close() {
      await app.close();
      await bus.close();
      await store.close();
      logger.flush();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
