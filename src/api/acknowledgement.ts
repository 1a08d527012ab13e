// POST /api/orders/{id}/acknowledgement: the fee administrator (or another operator) records
// the kvittens on behalf of a provider that is not connected to any system
// (R-ORDER-FAX-FALLBACK). It becomes an ordinary acknowledgement event marked as a proxy, so it
// meets the kvittens deadline (R-KVITTENS-3VD) and reaches the case officer like any other.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { stableId } from '../canonical/envelope.ts';
import { referenceFor } from '../canonical/references.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import { PartyRole } from '../canonical/schemas/common.ts';
import type { Clock } from '../clock.ts';
import { BryggaError } from '../errors.ts';
import type { OrderRegistry } from '../routing/order-registry.ts';
import type { TraceQuery } from '../trace/query.ts';
import { sendProblem } from './problem.ts';
import { Accepted, problems, SECURED_PROBLEMS } from './schemas.ts';

const ProxyAcknowledgement = Type.Object(
  {
    confirmedBy: Type.Object(
      { role: PartyRole, id: Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9._:-]+$', description: 'The operator\'s user id, never a name' }) },
      { additionalProperties: false },
    ),
    acknowledgedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the provider confirmed; default now' })),
    startDate: Type.Optional(Type.String({ format: 'date' })),
    override: Type.Optional(
      Type.Object(
        { reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why a connected provider\'s acknowledgement is recorded here (no personal data)' }) },
        { additionalProperties: false, description: 'Only for a provider connected to a system, whose own acknowledgement would normally meet the deadline' },
      ),
    ),
  },
  { additionalProperties: false },
);

export function registerAcknowledgementRoute(
  app: FastifyInstance,
  deps: { publisher: EventPublisher; registry: OrderRegistry; traces: TraceQuery; clock: Clock },
): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/orders/:id/acknowledgement',
    {
      config: { access: 'operate' },
      schema: {
        summary: "Record the kvittens on behalf of a provider not connected to any system (R-ORDER-FAX-FALLBACK)",
        params: Type.Object({ id: Type.String({ description: "Brygga's order id or the source system's reference" }) }),
        body: ProxyAcknowledgement,
        response: { 202: Accepted, ...SECURED_PROBLEMS, ...problems(400, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const orderId = await deps.traces.resolve(request.params.id);
      const order = orderId ? await deps.registry.find(orderId) : undefined;
      if (!order) return sendProblem(reply, new BryggaError('BRY_ORDER_NOT_FOUND', 'no order with that id or reference'));
      const { confirmedBy, startDate, override } = request.body;
      // R-ORDER-FAX-FALLBACK: confirming on the provider's behalf is for providers outside every system.
      if (order.providerConnected !== false && !override) {
        return sendProblem(reply, new BryggaError('BRY_PROVIDER_CONNECTED', 'the order\'s provider is connected to a system and acknowledges there; to record it here all the same, say why in override.reason'));
      }
      const acknowledgedAt = request.body.acknowledgedAt ?? new Date(deps.clock.now()).toISOString();
      const messageId = stableId('proxy-acknowledgement', order.orderId, confirmedBy.id, acknowledgedAt);
      const event = deps.publisher.create({
        id: stableId('brygga', messageId, EVENT_TYPES.orderAcknowledged),
        type: EVENT_TYPES.orderAcknowledged,
        source: '/api/orders/acknowledgement',
        subject: order.orderId,
        // What the deadline is measured against: when the provider confirmed.
        time: new Date(acknowledgedAt).toISOString(),
        data: {
          orderId: order.orderId,
          ...(order.clientId ? { clientId: order.clientId } : {}),
          origin: { system: 'brygga', messageId, reference: referenceFor('brygga', order), createdAt: acknowledgedAt, sender: { role: confirmedBy.role, id: confirmedBy.id } },
          acknowledgedAt,
          ...(startDate ? { startDate } : {}),
          confirmedBy: { ...confirmedBy, proxy: true },
          ...(override ? { note: `Recorded on behalf of a connected provider: ${override.reason}` } : {}),
        },
      });
      await deps.publisher.publish([event]);
      request.log.info({ orderId: order.orderId, eventId: event.id, role: confirmedBy.role, operator: confirmedBy.id, override: Boolean(override) }, 'proxy acknowledgement recorded');
      return reply.code(202).send({ accepted: true, orderId: order.orderId, eventId: event.id });
    },
  );
}
