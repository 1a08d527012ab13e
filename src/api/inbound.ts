// One inbound HTTP route per connector: parse → publish durably → 202 with the event ids; a
// refused message → problem+json naming every fault, and its original bytes dead-lettered.
import type { FastifyInstance } from 'fastify';
import type { CloudEvent } from '../canonical/envelope.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { Clock } from '../clock.ts';
import { BryggaError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { DeadLetters } from '../routing/dead-letters.ts';
import { sendProblem } from './problem.ts';

export interface InboundContext {
  receivedAt: number;
  pseudonymKey: string;
  maxBytes: number;
}

export interface InboundConnector {
  /** Short name, used in the path, the dead-letter stage and metrics: e.g. `lifecare`. */
  name: string;
  parse(body: Buffer, contentType: string | undefined, ctx: InboundContext): CloudEvent[];
}

export interface InboundDeps {
  publisher: EventPublisher;
  deadLetters: DeadLetters;
  metrics: Metrics;
  clock: Clock;
  pseudonymKey: string;
  maxBytes: number;
}

export function registerInboundRoute(app: FastifyInstance, connector: InboundConnector, deps: InboundDeps): void {
  app.post(`/connectors/${connector.name}/messages`, async (request, reply) => {
    const body = request.body as Buffer;
    const contentType = request.headers['content-type'];
    let events: CloudEvent[];
    try {
      events = connector.parse(body, contentType, { receivedAt: deps.clock.now(), pseudonymKey: deps.pseudonymKey, maxBytes: deps.maxBytes });
    } catch (error) {
      if (!(error instanceof BryggaError)) throw error;
      const problems = error.problems.length > 0 ? error.problems : [{ code: error.code, field: '(message)', rule: 'FORMAT', detail: error.message }];
      const deadLetterId = await deps.deadLetters.record({ stage: `connector:${connector.name}`, original: body, contentType, problems });
      deps.metrics.inbound.inc({ connector: connector.name, outcome: 'refused' });
      request.log.warn({ code: error.code, fields: problems.map((p) => p.field), deadLetterId }, 'message refused');
      return sendProblem(reply, error, { deadLetterId });
    }
    try {
      await deps.publisher.publish(events);
    } catch (cause) {
      throw new BryggaError('BRY_BUS_UNAVAILABLE', 'the events could not be written to the bus; send the message again', [], { cause });
    }
    deps.metrics.inbound.inc({ connector: connector.name, outcome: 'accepted' });
    request.log.info({ eventIds: events.map((e) => e.id), types: events.map((e) => e.type), orderId: events[0]?.subject }, 'message accepted');
    return reply.code(202).send({ accepted: true, orderId: events[0]?.subject, eventIds: events.map((e) => e.id) });
  });
}
