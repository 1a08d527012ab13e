// POST /api/deliveries/{id}/replay: sends a delivery that gave up once more, after the operator
// fixed the cause (Lifecare back up, an inbox corrected). Same delivery id, so Lifecare still
// sees one message however often it is replayed; a delivery that got through is not resent.
import type { FastifyInstance } from 'fastify';
import { stableId } from '../canonical/envelope.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { Clock } from '../clock.ts';
import { BryggaError } from '../errors.ts';
import { deliveredKey, failedKey } from '../routing/delivery-worker.ts';
import type { KeyValueStore } from '../store/store.ts';
import { sendProblem } from './problem.ts';

export function registerReplayRoute(app: FastifyInstance, deps: { publisher: EventPublisher; store: KeyValueStore; clock: Clock }): void {
  app.post<{ Params: { id: string } }>('/api/deliveries/:id/replay', async (request, reply) => {
    const deliveryId = request.params.id;
    if (await deps.store.get(deliveredKey(deliveryId))) {
      return sendProblem(reply, new BryggaError('BRY_ALREADY_DELIVERED', 'the receiving system already acknowledged this delivery'));
    }
    const failed = await deps.store.get(failedKey(deliveryId));
    if (!failed) return sendProblem(reply, new BryggaError('BRY_NOT_FOUND', 'no failed delivery with that id'));
    const data = JSON.parse(failed) as { orderId?: string };
    const event = deps.publisher.create({
      id: stableId(deliveryId, 'replay', String(deps.clock.now())),
      type: EVENT_TYPES.deliveryRequested,
      source: '/api/deliveries/replay',
      subject: data.orderId ?? deliveryId,
      data,
    });
    await deps.publisher.publish([event]);
    request.log.info({ deliveryId, eventId: event.id }, 'delivery replayed');
    return reply.code(202).send({ accepted: true, deliveryId, eventId: event.id });
  });
}
