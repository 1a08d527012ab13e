// Publishes canonical events: validates each against its schema, then appends it to the topic
// its type belongs to, in the CloudEvents Kafka binding.
import type { Bus } from '../bus/bus.ts';
import type { Clock } from '../clock.ts';
import { toBusRecord, type CloudEvent } from './envelope.ts';
import { TOPIC_OF, type EventType } from './event-types.ts';
import { validateEvent } from './validate.ts';

export interface NewEvent<T> {
  id: string;
  type: EventType;
  source: string;
  subject: string;
  correlationid?: string;
  causationid?: string;
  /** When the event happened, if not now (e.g. when the provider confirmed). */
  time?: string;
  data: T;
}

export class EventPublisher {
  constructor(
    private readonly bus: Bus,
    private readonly clock: Clock,
  ) {}

  /** Builds a CloudEvent, stamped with the clock's time unless it says its own. */
  create<T>(spec: NewEvent<T>): CloudEvent<T> {
    const event: CloudEvent<T> = {
      specversion: '1.0',
      id: spec.id,
      source: spec.source,
      type: spec.type,
      time: spec.time ?? new Date(this.clock.now()).toISOString(),
      subject: spec.subject,
      datacontenttype: 'application/json',
      correlationid: spec.correlationid ?? spec.subject,
      data: spec.data,
    };
    if (spec.causationid) event.causationid = spec.causationid;
    return event;
  }

  /** Resolves once every event is durably on the bus. */
  async publish(events: CloudEvent[]): Promise<void> {
    const byTopic = new Map<string, CloudEvent[]>();
    for (const event of events) {
      validateEvent(event);
      const topic = TOPIC_OF[event.type];
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
    }
    await Promise.all([...byTopic].map(([topic, list]) => this.bus.publish(topic, list.map(toBusRecord))));
  }
}
