// Prometheus metrics. Labels are systems, types and outcomes: never ids or personal data.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  inbound: Counter<'connector' | 'outcome'>;
  routed: Counter<'type'>;
  deliveries: Counter<'system' | 'outcome'>;
  deadlineTimers: Counter<'kind' | 'phase'>;
  deadLetters: Counter<'stage'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'brygga_' });
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    inbound: counter('brygga_inbound_messages_total', 'Messages received by connectors, by outcome', ['connector', 'outcome']),
    routed: counter('brygga_routed_events_total', 'Events routed to inboxes, by event type', ['type']),
    deliveries: counter('brygga_deliveries_total', 'Delivery attempts to receiving systems, by outcome', ['system', 'outcome']),
    deadlineTimers: counter('brygga_deadline_timers_fired_total', 'Deadline warnings and breaches fired', ['kind', 'phase']),
    deadLetters: counter('brygga_dead_letters_total', 'Records written to the dead-letter topic, by stage', ['stage']),
  };
}
