// POST /api/deliveries/{id}/replay: sends a delivery that gave up once more, after the operator
// fixed the cause (Lifecare back up, an inbox corrected). Same delivery id, so Lifecare still
// sees one message however often it is replayed; a delivery that got through is not resent.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Accepted, problems, SECURED_PROBLEMS } from './schemas.ts';
import { stableId, type CloudEvent } from '../canonical/envelope.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { DeliveryRequestedData } from '../canonical/schemas/index.ts';
import type { Clock } from '../clock.ts';
import { BryggaError } from '../errors.ts';
import { deliveredKey, failedKey } from '../routing/delivery-worker.ts';
import type { KeyValueStore } from '../store/store.ts';
import { sendProblem } from './problem.ts';

/** Puts a delivery request on the bus once more, under the same delivery id (a new event each time). */
export async function requestAgain(
  deps: { publisher: EventPublisher; clock: Clock },
  data: DeliveryRequestedData,
  source: string,
  beforePublish?: (eventId: string) => Promise<void>,
): Promise<CloudEvent> {
  const event = deps.publisher.create({
    id: stableId(data.deliveryId, 'replay', String(deps.clock.now())),
    type: EVENT_TYPES.deliveryRequested,
    source,
    subject: data.orderId ?? data.deliveryId,
    data,
  });
  await beforePublish?.(event.id);
  await deps.publisher.publish([event]);
  return event;
}

export function registerReplayRoute(app: FastifyInstance, deps: { publisher: EventPublisher; store: KeyValueStore; clock: Clock }): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/api/deliveries/:id/replay', {
    config: { access: 'operate' },
    schema: {
      summary: 'Send a delivery that gave up once more, under the same delivery id',
      params: Type.Object({ id: Type.String({ description: 'The delivery id (deliveries[] of the trace, status failed)' }) }),
      response: { 202: Accepted, ...SECURED_PROBLEMS, ...problems(404, 409, 503) },
    },
  }, async (request, reply) => {
    const deliveryId = request.params.id;
    if (await deps.store.get(deliveredKey(deliveryId))) {
      return sendProblem(reply, new BryggaError('BRY_ALREADY_DELIVERED', 'the receiving system already acknowledged this delivery'));
    }
    const failed = await deps.store.get(failedKey(deliveryId));
    if (!failed) return sendProblem(reply, new BryggaError('BRY_NOT_FOUND', 'no failed delivery with that id'));
    const event = await requestAgain(deps, JSON.parse(failed) as DeliveryRequestedData, '/api/deliveries/replay');
    request.log.info({ deliveryId, eventId: event.id }, 'delivery replayed');
    return reply.code(202).send({ accepted: true, deliveryId, eventId: event.id });
  });
}
