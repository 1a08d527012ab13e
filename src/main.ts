// The composition root: settings → configuration → adapters → services → HTTP API.
import { join, resolve, dirname } from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import { LifecareChannel, lifecareInbound } from '../connectors/lifecare/index.ts';
import { buildApi } from './api/server.ts';
import type { Bus } from './bus/bus.ts';
import { EmbeddedBus } from './bus/embedded.ts';
import { KafkaBus } from './bus/kafka.ts';
import { TOPICS } from './canonical/event-types.ts';
import { EventPublisher } from './canonical/publisher.ts';
import { SwedishCalendar } from './calendar/calendar.ts';
import { systemClock, type Clock } from './clock.ts';
import { loadConfig } from './config/load.ts';
import type { BryggaConfig } from './config/schema.ts';
import type { Settings } from './config/settings.ts';
import { loadDeadlineRules, type DeadlineRule } from './deadlines/rules.ts';
import { DeadlineService } from './deadlines/service.ts';
import { createLogger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import type { DeliveryChannel } from './routing/channel.ts';
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

export function openBus(settings: Settings, logger: Logger): Bus {
  return settings.kafkaBrokers
    ? new KafkaBus({ brokers: settings.kafkaBrokers, clientId: 'brygga', logger })
    : new EmbeddedBus({ dataDir: join(settings.dataDir, 'bus'), logger });
}

export function openAdapters(settings: Settings, logger: Logger): { bus: Bus; store: Store } {
  const store = settings.redisUrl ? new RedisStore({ redis: settings.redisUrl, prefix: settings.redisPrefix }) : new EmbeddedStore({ dataDir: join(settings.dataDir, 'store') });
  return { bus: openBus(settings, logger), store };
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
  const { rules, calendar } = deadlineSetup(config);
  const { bus, store } = openAdapters(settings, logger);
  await bus.ensureTopics(Object.values(TOPICS).map((name) => ({ name, partitions: config.topics.partitions, retentionMs: config.topics.retentionMs })));

  const metrics = createMetrics();
  const publisher = new EventPublisher(bus, clock);
  const deadLetters = new DeadLetters(publisher, metrics, () => clock.now());
  const directory = new InboxDirectory(config);
  const registry = new OrderRegistry(store);
  const channels = new Map<string, DeliveryChannel>();
  if (config.systems.lifecare) channels.set('lifecare', new LifecareChannel(config.systems.lifecare));

  const services = [
    new Router({ bus, publisher, registry, directory, logger: logger.child({ component: 'router' }) }),
    new DeliveryWorker({ bus, kv: store, publisher, deadLetters, channels, retry: config.delivery, metrics, logger: logger.child({ component: 'delivery' }) }),
    new TraceProjector({ bus, kv: store }),
    new DeadlineService({
      bus, store, publisher, clock, rules, calendar, metrics,
      sweepIntervalMs: config.deadlines.sweepIntervalMs, leaseMs: config.deadlines.leaseMs,
      logger: logger.child({ component: 'deadlines' }),
    }),
  ];
  for (const service of services) await service.start();

  const app = buildApi({
    logger, store, metrics, publisher, deadLetters, clock,
    traces: new TraceQuery(store),
    registry,
    reports: new ReportService(bus, config),
    connectors: [lifecareInbound],
    pseudonymKey: config.pseudonymKey,
    maxBytes: config.maxBodyBytes,
    health: async () => ({ bus: settings.kafkaBrokers ? 'kafka' : 'embedded', store: settings.redisUrl ? 'redis' : 'embedded', open: String(await store.countDeadlines('open')) }),
  });
  const url = await app.listen({ port: settings.port, host: settings.host });
  logger.info({ url, bus: settings.kafkaBrokers ? 'kafka' : 'embedded', store: settings.redisUrl ? 'redis' : 'embedded', config: config.file }, 'Brygga started');

  return {
    url, logger, config, bus, store,
    async stop() {
      await app.close();
      for (const service of [...services].reverse()) await service.stop();
      await bus.close();
      await store.close();
      logger.flush();
    },
  };
}
