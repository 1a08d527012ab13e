// Prometheus metrics. Labels are systems, types and outcomes: never ids or personal data.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  inbound: Counter<'connector' | 'outcome'>;
  routed: Counter<'type'>;
  /** `route`: the kind of inbox (central, unit, caseOfficer, …). */
  deliveries: Counter<'system' | 'route' | 'outcome'>;
  /** From the event's time to the receiving system's acknowledgement. */
  deliveryLatency: Histogram<'system' | 'route'>;
  deadlineTimers: Counter<'kind' | 'phase'>;
  deadLetters: Counter<'stage'>;
  stageRestarts: Counter<'stage'>;
}

export interface MetricSources {
  /** Dead letters removed by the dead-letter topic's retention (deadLetters.retentionMs/Bytes). */
  deadLettersExpired?: () => Promise<number>;
  /** Deadlines open (not yet warned), due soon (warned) and breached, by kind. */
  deadlines?: () => Promise<Array<{ kind: string; status: string; count: number }>>;
  /** Per receiving system: deliveries waiting in its queue and the age of the oldest. */
  undelivered?: () => Promise<Array<{ system: string; waiting: number; oldestAgeSeconds: number }>>;
}

/** A gauge read at each scrape; a source that fails keeps the last values. */
function sampledGauge<L extends string, R>(registry: Registry, name: string, help: string, labelNames: L[], read: () => Promise<R[]>, set: (gauge: Gauge<L>, row: R) => void): void {
  new Gauge<L>({
    name, help, labelNames, registers: [registry],
    async collect() {
      const rows = await read().catch(() => undefined);
      if (rows === undefined) return;
      this.reset();
      for (const row of rows) set(this, row);
    },
  });
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
    deliveries: counter('brygga_deliveries_total', 'Delivery attempts to receiving systems, by inbox kind and outcome (delivered, retry, failed, rejected)', ['system', 'route', 'outcome']),
    deliveryLatency: new Histogram({
      name: 'brygga_delivery_latency_seconds',
      help: 'End to end: from the event (a message received, a deadline fired) to the receiving system taking its delivery',
      labelNames: ['system', 'route'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600],
      registers: [registry],
    }),
    deadlineTimers: counter('brygga_deadline_timers_fired_total', 'Deadline warnings and breaches fired', ['kind', 'phase']),
    deadLetters: counter('brygga_dead_letters_total', 'Records written to the dead-letter topic, by stage', ['stage']),
    stageRestarts: counter('brygga_stage_restarts_total', 'Consumers of a stage subscribed again after they stopped or could not start', ['stage']),
  };
  if (sources.deadLettersExpired) {
    const expired: () => Promise<number> = sources.deadLettersExpired;
    // Read from the bus at each scrape, so it counts what retention removed before a restart too.
    new Counter({
      name: 'brygga_dead_letters_expired_total',
      help: 'Dead letters removed by the retention of the dead-letter topic (the first kept offsets of its partitions summed; Kafka: low watermarks)',
      registers: [registry],
      async collect() {
        const removed = await expired().catch(() => undefined);
        if (removed === undefined) return; // bus unreachable: keep the last value
        this.reset();
        this.inc(removed);
      },
    });
  }
  if (sources.deadlines) {
    sampledGauge(registry, 'brygga_deadlines', 'Deadlines by kind and status: open, due-soon (warned), breached', ['kind', 'status'], sources.deadlines, (g, r) => g.set({ kind: r.kind, status: r.status }, r.count));
  }
  if (sources.undelivered) {
    const read = sources.undelivered;
    sampledGauge(registry, 'brygga_undelivered', 'Deliveries waiting in a receiving system\'s queue', ['system'], read, (g, r) => g.set({ system: r.system }, r.waiting));
    sampledGauge(registry, 'brygga_oldest_undelivered_age_seconds', 'Age of the oldest delivery still waiting for its receiving system', ['system'], read, (g, r) => g.set({ system: r.system }, r.oldestAgeSeconds));
  }
  return metrics;
}
