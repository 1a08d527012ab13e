// `data` of the delivery events: the router's request to deliver one canonical event to one
// inbox, and the delivery worker's outcome.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, EXAMPLE, Id, OrderId, StringEnum, Text, topLevel } from './common.ts';
import { CloudEventShape, EXAMPLE_EVENT } from './envelope.ts';

const INBOX_KINDS = ['central', 'unit', 'caseOfficer', 'coordinator', 'feeAdministrator', 'homeCareTeam', 'sectionLeader', 'fallback'] as const;

const Inbox = Type.Object(
  {
    inboxId: Id,
    kind: StringEnum(INBOX_KINDS),
    system: Text(40),
    addressType: Text(40, 'The system\'s own recipient type from the configuration (e.g. INKORG), or a party role (caseOfficer) the connector maps to its word'),
    addressId: Type.Optional(Text(120)),
    addressName: Type.Optional(Text(200)),
  },
  { additionalProperties: false },
);

const deliveryId = Type.String({ minLength: 1, maxLength: 200, description: 'Idempotency key of the delivery' });

export const DeliveryRequestedData = topLevel(
  'delivery-requested',
  'Deliver one canonical event to one inbox',
  Type.Object(
    { deliveryId, orderId: Type.Optional(OrderId), inbox: Inbox, event: CloudEventShape },
    { additionalProperties: false },
  ),
  [
    {
      deliveryId: '5e0c3b1a-9d8f-5e7c-a6b5-4c3d2e1f0a9b',
      orderId: EXAMPLE.orderId,
      inbox: { inboxId: 'case-officer:lifecare:bih-4711', kind: 'caseOfficer', system: 'lifecare', addressType: 'caseOfficer', addressId: 'bih-4711' },
      event: EXAMPLE_EVENT,
    },
  ],
);
export type DeliveryRequestedData = Static<typeof DeliveryRequestedData>;

const attempts = Type.Integer({ minimum: 1 });

/** What a failed attempt says: which delivery, after how many attempts, and the error as the receiver gave it. */
const attemptFailure = {
  deliveryId,
  orderId: Type.Optional(OrderId),
  inboxId: Id,
  attempts,
  errorCode: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 60 }),
  detail: Text(1000),
};

export const DeliverySucceededData = topLevel(
  'delivery-succeeded',
  'The receiving system accepted the delivery',
  Type.Object(
    { deliveryId, orderId: Type.Optional(OrderId), inboxId: Id, attempts, receipt: Type.Optional(Text(200)) },
    { additionalProperties: false },
  ),
  [{ deliveryId: '5e0c3b1a-9d8f-5e7c-a6b5-4c3d2e1f0a9b', orderId: EXAMPLE.orderId, inboxId: 'case-officer:lifecare:bih-4711', attempts: 1, receipt: 'BRY-5e0c3b1a' }],
);
export type DeliverySucceededData = Static<typeof DeliverySucceededData>;

export const DeliveryRetryScheduledData = topLevel(
  'delivery-retry-scheduled',
  'An attempt failed with an error worth retrying; the next attempt is scheduled durably',
  Type.Object(
    {
      ...attemptFailure,
      nextAttemptAt: DateTime,
    },
    { additionalProperties: false },
  ),
  [
    {
      deliveryId: '5e0c3b1a-9d8f-5e7c-a6b5-4c3d2e1f0a9b',
      orderId: EXAMPLE.orderId,
      inboxId: 'case-officer:lifecare:bih-4711',
      attempts: 2,
      errorCode: 'BRY_DELIVERY_FAILED',
      detail: 'Lifecare answered HTTP 503',
      nextAttemptAt: '2026-11-23T09:14:03.500Z',
    },
  ],
);
export type DeliveryRetryScheduledData = Static<typeof DeliveryRetryScheduledData>;

export const DeliveryFailedData = topLevel(
  'delivery-failed',
  'The delivery failed: retryable failures are tried again, the others go to a person',
  Type.Object(
    {
      ...attemptFailure,
      retryable: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  [
    {
      deliveryId: '5e0c3b1a-9d8f-5e7c-a6b5-4c3d2e1f0a9b',
      orderId: EXAMPLE.orderId,
      inboxId: 'case-officer:lifecare:bih-4711',
      attempts: 8,
      errorCode: 'BRY_DELIVERY_FAILED',
      detail: 'Lifecare answered HTTP 503 on every attempt',
      retryable: true,
    },
  ],
);
export type DeliveryFailedData = Static<typeof DeliveryFailedData>;

export const DeliveryWaitingForWindowData = topLevel(
  'delivery-waiting-for-window',
  'A notice to a day centre waits for the inbox\'s next contact window (R-CONTACT-HOURS); its first attempt is scheduled durably at that time',
  Type.Object(
    { deliveryId, orderId: Type.Optional(OrderId), inboxId: Id, plannedAt: DateTime, rule: Type.Literal('R-CONTACT-HOURS') },
    { additionalProperties: false },
  ),
  [{ deliveryId: '5e0c3b1a-9d8f-5e7c-a6b5-4c3d2e1f0a9b', orderId: EXAMPLE.orderId, inboxId: 'unit:dv-stknut', plannedAt: '2026-11-24T14:00:00.000Z', rule: 'R-CONTACT-HOURS' }],
);
export type DeliveryWaitingForWindowData = Static<typeof DeliveryWaitingForWindowData>;
