// The review list over HTTP: messages that matched no order, or several (R-ORDER-FAX-FALLBACK:
// a provider's mail reply without a known token), for a person to attach to an order or dismiss.
//   GET  /api/review[?status=open|attached|dismissed]   the list: ids, times, why refused; no message content
//   GET  /api/review/{id}                               one item, with the message as read (a mail: subject, date, text)
//   GET  /api/review/{id}/original                      the original bytes (message/rfc822)
//   POST /api/review/{id}/attach   { orderId, by?, reason? }  read as that order's reply
//   POST /api/review/{id}/dismiss  { reason, by? }
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { Clock } from '../clock.ts';
import type { ActiveConnector } from '../connectors/connector.ts';
import { BryggaError } from '../errors.ts';
import { REVIEW_STATUSES, ReviewList, type ReviewItem, type ReviewStatus } from '../review/review-list.ts';
import { attachersOf, ReviewService } from '../review/service.ts';
import type { Store } from '../store/store.ts';
import type { TraceQuery } from '../trace/query.ts';
import { problems, SECURED_PROBLEMS } from './schemas.ts';

const OperatorId = Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9._:@-]+$', description: 'The operator\'s user id, never a name; default: the caller\'s credential' });
const Reason = Type.String({ minLength: 3, maxLength: 500, description: 'Why (no personal data)' });

const Time = Type.String({ format: 'date-time' });
const Status = Type.Union(REVIEW_STATUSES.map((s) => Type.Literal(s)));
const Attach = Type.Object(
  { orderId: Type.String({ minLength: 1, maxLength: 200, description: 'Brygga\'s order id or the order\'s reference in its system' }), by: Type.Optional(OperatorId), reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
const Dismiss = Type.Object({ reason: Reason, by: Type.Optional(OperatorId) }, { additionalProperties: false });
const Params = Type.Object({ id: Type.String({ pattern: '^rv-[0-9a-f]{20}$' }) });
const ListQuery = Type.Object({ status: Type.Optional(Status) }, { additionalProperties: false });

const Item = Type.Object(
  {
    id: Type.String(),
    system: Type.String({ description: 'The connector that refused it, e.g. mail' }),
    receivedAt: Time,
    contentType: Type.String(),
    sizeBytes: Type.Integer(),
    problems: Type.Array(Type.Object({ code: Type.String(), field: Type.String(), rule: Type.String(), detail: Type.String() }), { description: 'Why it was refused: fields and rules, never values' }),
    deadLetterId: Type.Optional(Type.String()),
    status: Status,
    decision: Type.Optional(
      Type.Object({
        status: Type.Union([Type.Literal('attached'), Type.Literal('dismissed')]),
        by: Type.String({ description: 'The operator\'s user id' }),
        at: Time,
        reason: Type.Optional(Type.String()),
        orderId: Type.Optional(Type.String()),
        eventIds: Type.Optional(Type.Array(Type.String(), { description: 'The events the message gave as the order\'s reply' })),
      }),
    ),
    message: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'GET /api/review/{id} only: the message as read (a mail: subject, date, text); personal data' })),
  },
  { additionalProperties: true },
);
const ItemList = Type.Object({ total: Type.Integer(), items: Type.Array(Item) });
const Original = Type.String({ description: 'The message\'s original bytes, as its contentType (a mail: message/rfc822); personal data' });

export interface ReviewApiDeps {
  store: Store;
  traces: TraceQuery;
  publisher: EventPublisher;
  clock: Clock;
  connectors: ActiveConnector[];
}

/** The operator: the id the request names, else the caller's credential. */
const operatorOf = (request: FastifyRequest, named: string | undefined): string => named ?? request.principal?.id ?? 'unknown';

export function registerReviewRoutes(app: FastifyInstance, deps: ReviewApiDeps): void {
  const reviews = new ReviewList(deps.store);
  const service = new ReviewService({ reviews, kv: deps.store, traces: deps.traces, publisher: deps.publisher, clock: deps.clock, attachers: attachersOf(deps.connectors) });
  const found = async (id: string): Promise<ReviewItem> => {
    const item = await reviews.get(id);
    if (!item) throw new BryggaError('BRY_NOT_FOUND', 'no message with that id in the review list');
    return item;
  };

  app.get<{ Querystring: { status?: ReviewStatus } }>('/api/review', {
    config: { access: 'read' },
    schema: { summary: 'Messages that matched no order, or several, oldest first (no message content)', querystring: ListQuery, response: { 200: ItemList, ...SECURED_PROBLEMS, ...problems(400) } },
  }, async (request) => {
    const items = await reviews.list(request.query.status);
    return { total: items.length, items };
  });

  app.get<{ Params: Static<typeof Params> }>('/api/review/:id', {
    config: { access: 'read', personalData: true },
    schema: { summary: 'One message of the review list, with the message as read', params: Params, response: { 200: Item, ...SECURED_PROBLEMS, ...problems(400, 404) } },
  }, async (request) => {
    const item = await found(request.params.id);
    const original = await reviews.original(item.id);
    const read = deps.connectors.find((c) => c.connector.system === item.system)?.connector.readForReview;
    // An unreadable message is still there as its original.
    const message = original && read ? await read(original).catch(() => undefined) : undefined;
    return { ...item, ...(message ? { message } : {}) };
  });

  app.get<{ Params: Static<typeof Params> }>('/api/review/:id/original', {
    config: { access: 'read', personalData: true },
    schema: { summary: 'The original bytes of a message in the review list', params: Params, response: { 200: Original, ...SECURED_PROBLEMS, ...problems(400, 404) } },
  }, async (request, reply) => {
    const item = await found(request.params.id);
    const original = await reviews.original(item.id);
    if (!original) throw new BryggaError('BRY_NOT_FOUND', 'the original of this message is no longer in the store');
    return reply.type(item.contentType).header('content-disposition', `attachment; filename="${item.id}.eml"`).send(original);
  });

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof Attach> }>(
    '/api/review/:id/attach',
    {
      config: { access: 'operate' },
      schema: {
        summary: 'Read the message as the order\'s reply (a mail: its acknowledgement, and start confirmation); recorded',
        params: Params, body: Attach, response: { 200: Item, ...SECURED_PROBLEMS, ...problems(400, 404, 409, 503) },
      },
    },
    async (request) => {
      const { orderId, by, reason } = request.body;
      const item = await service.attach(request.params.id, { orderId, by: operatorOf(request, by), ...(reason ? { reason } : {}) });
      request.log.info({ reviewId: item.id, orderId: item.decision?.orderId, eventIds: item.decision?.eventIds, operator: item.decision?.by }, 'review: attached to an order');
      return item;
    },
  );

  app.post<{ Params: Static<typeof Params>; Body: Static<typeof Dismiss> }>(
    '/api/review/:id/dismiss',
    {
      config: { access: 'operate' },
      schema: { summary: 'Close the message without attaching it; recorded', params: Params, body: Dismiss, response: { 200: Item, ...SECURED_PROBLEMS, ...problems(400, 404, 409) } },
    },
    async (request) => {
      const item = await service.dismiss(request.params.id, { by: operatorOf(request, request.body.by), reason: request.body.reason });
      request.log.info({ reviewId: item.id, operator: item.decision?.by }, 'review: dismissed');
      return item;
    },
  );
}
