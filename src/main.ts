// The composition root: settings → configuration → adapters → services → HTTP API.
import { join, resolve, dirname } from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import { CONNECTORS } from '../connectors/index.ts';
import { registerOperationsRoutes } from './api/operations.ts';
import { buildApi } from './api/server.ts';
import { activeConnectors, type ConnectorContext } from './connectors/connector.ts';
import { createIntake } from './connectors/intake.ts';
import type { Bus, TopicSpec } from './bus/bus.ts';
import { EmbeddedBus } from './bus/embedded.ts';
import { DataDirLock } from './data-dir-lock.ts';
import { DeadLetterIndex } from './dead-letters/dead-letter-index.ts';
import { DeadLetterReplayer } from './dead-letters/replay.ts';
import { KafkaBus } from './bus/kafka.ts';
import { SupervisedBus } from './bus/supervised.ts';
import { TOPICS } from './canonical/event-types.ts';
import { EventPublisher } from './canonical/publisher.ts';
import { SwedishCalendar } from './calendar/calendar.ts';
import { systemClock, type Clock } from './clock.ts';
import { loadConfig } from './config/load.ts';
import type { BryggaConfig } from './config/schema.ts';
import type { Settings } from './config/settings.ts';
import { loadDeadlineRules, type DeadlineRule } from './deadlines/rules.ts';
import { DeadlineService } from './deadlines/service.ts';
import { HealthBoard } from './health.ts';
import { AuditLog } from './audit/audit-log.ts';
import { Authenticator, requireCredentialsOffLoopback } from './auth/authenticator.ts';
import { BryggaError } from './errors.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import { deadlineCounts, undelivered } from './operations/overview.ts';
import type { DeliveryChannel } from './routing/channel.ts';
import { ReviewList } from './review/review-list.ts';
import { ContactHours } from './routing/contact-hours.ts';
import { DeadLetters } from './routing/dead-letters.ts';
import { DeliveryWorker } from './routing/delivery-worker.ts';
import { InboxDirectory } from './routing/inboxes.ts';
import { OrderRegistry } from './routing/order-registry.ts';
import { ReportService } from './reports/service.ts';
import { Router } from './routing/router.ts';
import { EmbeddedStore } from './store/embedded.ts';
import { RedisStore } from './store/redis/redis-store.ts';
import type { Store } from './store/store.ts';
import { TraceProjector } from './trace/projector.ts';
import { TraceQuery } from './trace/query.ts';

const OPEN_NOTICE = 'open: no credentials configured, every request is let through (development on loopback only; set BRYGGA_OPERATOR_KEY)';

export interface RunningBrygga {
  url: string;
  logger: Logger;
  config: BryggaConfig;
  bus: Bus;
  store: Store;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logDestination?: DestinationStream;
}

/** The bus alone (reports); an embedded one locks BRYGGA_DATA_DIR like openAdapters. */
export function openBus(settings: Settings, logger: Logger): Bus {
  return busFor(settings, logger, settings.kafkaBrokers ? undefined : DataDirLock.acquire(settings.dataDir, logger));
}

/**
 * The bus and the store the settings name. The embedded ones share BRYGGA_DATA_DIR, locked
 * first so that a second Brygga on it is refused (BRY_DATA_DIR_IN_USE) before either touches a
 * file; the lock goes when both are closed. Kafka and Redis take no lock.
 */
export function openAdapters(settings: Settings, logger: Logger): { bus: Bus; store: Store } {
  const lock = settings.kafkaBrokers && settings.redisUrl ? undefined : DataDirLock.acquire(settings.dataDir, logger);
  const bus = busFor(settings, logger, lock);
  const store = settings.redisUrl
    ? new RedisStore({ redis: settings.redisUrl, prefix: settings.redisPrefix })
    : new EmbeddedStore({ dataDir: join(settings.dataDir, 'store'), onClose: lock?.share() });
  return { bus, store };
}

/**
 * The topics Brygga creates; the dead letters' is bounded (deadLetters.*) so refused bodies cannot
 * fill the disk. Every topic takes a record holding a body of `maxBodyBytes` in base64 (a dead
 * letter's original bytes), with room for the rest of the event.
 */
export function topicSpecs(config: BryggaConfig): TopicSpec[] {
  const maxRecordBytes = 4 * Math.ceil(config.maxBodyBytes / 3) + EVENT_ROOM_BYTES;
  return Object.values(TOPICS).map((name) =>
    name === TOPICS.deadLetters
      ? { name, partitions: config.topics.partitions, retentionMs: config.deadLetters.retentionMs, retentionBytes: config.deadLetters.retentionBytes, maxRecordBytes }
      : { name, partitions: config.topics.partitions, retentionMs: config.topics.retentionMs, maxRecordBytes },
  );
}

/** A record's bytes besides a body in base64: envelope headers, a dead letter's problems. */
const EVENT_ROOM_BYTES = 1024 * 1024;

function busFor(settings: Settings, logger: Logger, lock: DataDirLock | undefined): Bus {
  if (!settings.kafkaBrokers) return new EmbeddedBus({ dataDir: join(settings.dataDir, 'bus'), logger, onClose: lock?.share() });
  return new KafkaBus({
    brokers: settings.kafkaBrokers, clientId: 'brygga', logger,
    ...(settings.kafkaNamespace ? { namespace: settings.kafkaNamespace } : {}), ...(settings.kafkaReplicationFactor ? { replicationFactor: settings.kafkaReplicationFactor } : {}),
    ...(settings.kafkaFetchMaxWaitMs ? { fetchMaxWaitMs: settings.kafkaFetchMaxWaitMs } : {}),
  });
}

/** The deadline rules file and the municipality's calendar the configuration names. */
export function deadlineSetup(config: BryggaConfig): { rules: DeadlineRule[]; calendar: SwedishCalendar } {
  return {
    rules: loadDeadlineRules(resolve(dirname(config.file), config.deadlines.rulesFile)),
    calendar: new SwedishCalendar({ ...config.calendar, timeZone: 'Europe/Stockholm' }),
  };
}

export async function startBrygga(settings: Settings, options: StartOptions = {}): Promise<RunningBrygga> {
  const logger = createLogger({ level: settings.logLevel, destination: options.logDestination });
  const clock = options.clock ?? systemClock;
  const config = loadConfig(settings.configFile, settings.env);
  const auth = new Authenticator(config.auth, { operatorKey: settings.operatorKey, systems: Object.keys(config.systems), configFile: config.file });
  requireCredentialsOffLoopback(auth, settings.host);
  const { rules, calendar } = deadlineSetup(config);
  const adapters = openAdapters(settings, logger);
  const { store } = adapters;
  const metrics = createMetrics({
    deadLettersExpired: () => adapters.bus.removedByRetention(TOPICS.deadLetters),
    deadlines: () => deadlineCounts(store, clock.now()),
    undelivered: () => undelivered(store, [...channels.keys()], clock.now()),
  });
  const health = new HealthBoard(systemClock.now);
  const bus = new SupervisedBus(adapters.bus, { health, restarts: metrics.stageRestarts, logger: logger.child({ component: 'supervisor' }) });
  await bus.ensureTopics(topicSpecs(config));

  const publisher = new EventPublisher(bus, clock);
  const deadLetters = new DeadLetters(publisher, metrics, () => clock.now());
  const directory = new InboxDirectory(config);
  const registry = new OrderRegistry(store);
  const connectorContext: ConnectorContext = {
    intake: createIntake({ publisher, deadLetters, metrics, logger: logger.child({ component: 'intake' }) }),
    clock, logger, pseudonymKey: config.pseudonymKey, maxBytes: config.maxBodyBytes, reviews: new ReviewList(store),
  };
  const connectors = activeConnectors(CONNECTORS, config.systems);
  const channels = new Map<string, DeliveryChannel>();
  for (const { connector, config: own } of connectors) {
    if (connector.channel) channels.set(connector.system, connector.channel(own, connectorContext));
  }
  const pollers = connectors.flatMap(({ connector, config: own }) => connector.pollers?.(own, connectorContext) ?? []);

  const deadLetterIndex = new DeadLetterIndex({ bus, kv: store, retentionMs: config.deadLetters.retentionMs });
  const services = [
    new Router({ bus, publisher, registry, directory, metrics, logger: logger.child({ component: 'router' }) }),
    new DeliveryWorker({ bus, store, publisher, deadLetters, channels, policy: config.delivery, clock, contactHours: new ContactHours(config, calendar), health, metrics, logger: logger.child({ component: 'delivery' }) }),
    new TraceProjector({ bus, kv: store }),
    deadLetterIndex,
    new DeadlineService({
      bus, store, publisher, clock, rules, calendar, metrics, health,
      sweepIntervalMs: config.deadlines.sweepIntervalMs, leaseMs: config.deadlines.leaseMs,
      logger: logger.child({ component: 'deadlines' }),
    }),
  ];
  const app = buildApi({
    auth,
    audit: new AuditLog(join(settings.dataDir, 'audit'), () => clock.now()),
    logger, store, metrics, publisher, clock,
    traces: new TraceQuery(store),
    registry,
    reports: new ReportService(bus, config, () => clock.now()),
    connectors,
    connectorContext,
    maxBytes: config.maxBodyBytes,
    health: async () => ({
      ok: health.healthy,
      bus: settings.kafkaBrokers ? 'kafka' : 'embedded',
      store: settings.redisUrl ? 'redis' : 'embedded',
      open: String(await store.countDeadlines('open')),
      components: health.snapshot(),
      auth: auth.open ? 'open' : 'required',
    }),
  });
  registerOperationsRoutes(app, {
    store, registry, directory, metrics, clock, systems: [...channels.keys()], deadLetters: deadLetterIndex,
    replayer: new DeadLetterReplayer({ index: deadLetterIndex, kv: store, connectors, connectorContext, directory, publisher, clock }),
  });
  // Listening first: taking an order needs only the producer, so after a restart on Kafka the
  // intake is back while the stages still wait out the old member's session (about 10 s);
  // /health says which stages are still joining.
  const url = await app.listen({ port: settings.port, host: settings.host }).catch(async (error: NodeJS.ErrnoException) => {
    await Promise.all([bus.close(), store.close()]);
    if (error.code !== 'EADDRINUSE') throw error;
    throw new BryggaError('BRY_PORT_IN_USE', `${settings.host}:${settings.port} is in use by another process: stop it or set PORT`);
  });
  try {
    for (const service of services) await service.start();
    for (const poller of pollers) await poller.start();
  } catch (error) {
    await app.close();
    throw error;
  }
  logger.info({ url, bus: settings.kafkaBrokers ? 'kafka' : 'embedded', store: settings.redisUrl ? 'redis' : 'embedded', config: config.file, auth: auth.open ? OPEN_NOTICE : 'required' }, 'Brygga started');

  return {
    url, logger, config, bus, store,
    async stop() {
      await app.close();
      for (const poller of pollers) await poller.stop();
      for (const service of [...services].reverse()) await service.stop();
      for (const channel of channels.values()) channel.close?.();
      await bus.close();
      await store.close();
      logger.flush();
    },
  };
}
