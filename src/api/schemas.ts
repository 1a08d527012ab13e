// The API's answers as TypeBox schemas, for the OpenAPI document (src/api/openapi.ts). They
// document; they do not filter: replies are serialised as they are (buildApi), so a field added
// to a view is answered at once and documented when it is added here.
import { Type, type TSchema } from '@sinclair/typebox';
import { ERRORS } from '../errors.ts';

const Time = Type.String({ format: 'date-time' });

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'https://brygga.se/errors/<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.Union(Object.keys(ERRORS).map((code) => Type.Literal(code)), { description: 'Stable error code (README, Error codes)' }),
    detail: Type.String({ description: 'Which field or parameter and which rule; never personal data' }),
    problems: Type.Optional(Type.Array(Type.Object({ code: Type.String(), field: Type.String(), rule: Type.String(), detail: Type.String() }))),
    deadLetterId: Type.Optional(Type.String({ description: 'Where a refused message\'s original bytes were kept' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)' },
);

/** The problem+json answers of a route, by status. */
export function problems(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref(Problem, { description: 'application/problem+json' })]));
}

/** The refusals every secured route may answer. */
export const SECURED_PROBLEMS = problems(401, 403);

const Deadline = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  kind: Type.String({ description: 'kvittens, plan, exec3m (config/deadline-rules.yaml)' }),
  rule: Type.String({ description: 'The routine rule, e.g. R-KVITTENS-3VD' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('met'), Type.Literal('breached'), Type.Literal('cancelled')]),
  openedAt: Time,
  dueAt: Type.String({ format: 'date-time', description: 'The first instant that is too late' }),
  warnAt: Type.Optional(Time),
  closedAt: Type.Optional(Time),
  closedBy: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  warned: Type.Optional(Type.Boolean()),
  context: Type.Record(Type.String(), Type.String(), { description: 'Routing context copied from the order: never personal data' }),
});

const Delivery = Type.Object({
  deliveryId: Type.String(),
  eventId: Type.Optional(Type.String({ description: 'The id of the event the delivery carries' })),
  eventType: Type.Optional(Type.String({ description: 'Its type, e.g. se.brygga.order.placed.v1' })),
  inboxId: Type.Optional(Type.String()),
  inboxKind: Type.Optional(Type.String()),
  status: Type.String({ description: 'requested, waiting-for-window, retrying, delivered or failed' }),
  requestedAt: Type.Optional(Time),
  finishedAt: Type.Optional(Time),
  attempts: Type.Optional(Type.Integer()),
  receipt: Type.Optional(Type.String()),
  errorCode: Type.Optional(Type.String()),
  errorDetail: Type.Optional(Type.String()),
  nextAttemptAt: Type.Optional(Time),
  plannedAt: Type.Optional(Time),
});

export const OrderTrace = Type.Object({
  orderId: Type.String(),
  references: Type.Array(Type.String(), { description: 'The order\'s references in the systems, e.g. lifecare:B-2026-5531' }),
  events: Type.Array(Type.Object({ time: Time, type: Type.String() }, { additionalProperties: true }), { description: 'Every event of the order, in the order they were appended' }),
  deliveries: Type.Array(Delivery),
  deadlines: Type.Array(Deadline),
});

export const DeadlineList = Type.Object({
  status: Type.String(),
  total: Type.Integer({ description: 'How many match (among the first 10,000 of the status)' }),
  deadlines: Type.Array(Deadline),
  nextCursor: Type.Optional(Type.String({ description: 'Pass as cursor for the next page; absent on the last' })),
});

export const Accepted = Type.Object(
  { accepted: Type.Literal(true), orderId: Type.Optional(Type.String()), eventId: Type.Optional(Type.String()), eventIds: Type.Optional(Type.Array(Type.String())), deliveryId: Type.Optional(Type.String()) },
  { description: 'Taken: the events are on the bus' },
);

export const Health = Type.Object(
  {
    status: Type.Union([Type.Literal('ok'), Type.Literal('failing'), Type.Literal('unavailable')]),
    bus: Type.Optional(Type.String()),
    store: Type.Optional(Type.String()),
    auth: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('required')], { description: 'open: no credentials configured (development on loopback)' })),
    components: Type.Optional(Type.Array(Type.Object({ component: Type.String(), ok: Type.Boolean(), since: Time, reason: Type.Optional(Type.String()) }))),
  },
  { additionalProperties: true },
);

/** A report: JSON by default, or CSV or text by `format`. */
export const Report = Type.Object({}, { additionalProperties: true, description: 'The report as JSON; format=csv gives text/csv (UTF-8 with BOM, ";"), format=text text/plain' });
