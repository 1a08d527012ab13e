// Prometheus metrics. Labels are systems, types and outcomes: never ids or personal data.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  inbound: Counter<'connector' | 'outcome'>;
  routed: Counter<'type'>;
  deliveries: Counter<'system' | 'outcome'>;
  deadlineTimers: Counter<'kind' | 'phase'>;
  deadLetters: Counter<'stage'>;
  stageRestarts: Counter<'stage'>;
}

export interface MetricSources {
  /** Dead letters removed by the dead-letter topic's retention (deadLetters.retentionMs/Bytes). */
  deadLettersExpired?: () => Promise<number>;
}

export function createMetrics(sources: MetricSources = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'brygga_' });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const metrics: Metrics = {
    registry,
    inbound: counter('brygga_inbound_messages_total', 'Messages received by connectors, by outcome', ['connector', 'outcome']),
    routed: counter('brygga_routed_events_total', 'Events routed to inboxes, by event type', ['type']),
    deliveries: counter('brygga_deliveries_total', 'Delivery attempts to receiving systems, by outcome', ['system', 'outcome']),
    deadlineTimers: counter('brygga_deadline_timers_fired_total', 'Deadline warnings and breaches fired', ['kind', 'phase']),
    deadLetters: counter('brygga_dead_letters_total', 'Records written to the dead-letter topic, by stage', ['stage']),
    stageRestarts: counter('brygga_stage_restarts_total', 'Consumers of a stage subscribed again after they stopped or could not start', ['stage']),
  };
  if (sources.deadLettersExpired) {
    const expired: () => Promise<number> = sources.deadLettersExpired;
    // Read from the bus at each scrape, so it counts what retention removed before a restart too.
    new Counter({
      name: 'brygga_dead_letters_expired_total',
      help: 'Dead letters removed by the retention of the dead-letter topic (its first kept offset; Kafka: low watermarks summed)',
      registers: [registry],
      async collect() {
        const removed = await expired().catch(() => undefined);
        if (removed === undefined) return; // bus unreachable: keep the last value
        this.reset();
        this.inc(removed);
      },
    });
  }
  return metrics;
}
