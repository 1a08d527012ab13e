// A pseudonymous client's orders (`cl-` + 16 hex digits, src/canonical/pseudonym.ts):
//   GET /api/clients/{clientId}/orders   the orders, each in brief with the address of its trace
// `GET /api/orders/{id}` takes order ids and references only; given a client id it answers 404
// naming this route (orderNotFound).
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { BryggaError } from '../errors.ts';
import type { TraceQuery } from '../trace/query.ts';
import { problems, SECURED_PROBLEMS } from './schemas.ts';

const CLIENT_ID = /^cl-[0-9a-f]{16}$/;

const Time = Type.String({ format: 'date-time' });
const ClientOrders = Type.Object({
  clientId: Type.String(),
  orders: Type.Array(
    Type.Object({
      orderId: Type.String(),
      references: Type.Array(Type.String()),
      firstEventAt: Time,
      lastEvent: Type.Object({ type: Type.String(), time: Time }),
      deadlines: Type.Array(Type.Object({ kind: Type.String(), status: Type.String(), dueAt: Time })),
      trace: Type.String({ description: 'The order\'s trace: GET this path' }),
    }),
    { description: 'First received first' },
  ),
});

/** The refusal of `GET /api/orders/{id}` for an id it does not know; a client id is pointed to its orders. */
export function orderNotFound(id: string): BryggaError {
  return new BryggaError(
    'BRY_ORDER_NOT_FOUND',
    CLIENT_ID.test(id) ? 'that is a pseudonymous client id, not an order: GET /api/clients/{clientId}/orders lists its orders' : 'no order with that id or reference',
  );
}

export function registerClientRoutes(app: FastifyInstance, deps: { traces: TraceQuery }): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/clients/:clientId/orders', {
    config: { access: 'read', personalData: true },
    schema: {
      summary: "A pseudonymous client's orders, each with its trace's address (audited: personal data)",
      params: Type.Object({ clientId: Type.String({ pattern: CLIENT_ID.source, description: 'cl- and 16 hex digits, as order events carry it' }) }),
      response: { 200: ClientOrders, ...SECURED_PROBLEMS, ...problems(400, 404) },
    },
  }, async (request) => {
    const orders = await deps.traces.ordersOfClient(request.params.clientId);
    if (!orders) throw new BryggaError('BRY_NOT_FOUND', 'no order names that client id');
    return orders;
  });
}
