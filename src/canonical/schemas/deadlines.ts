// `data` of the deadline events: one shape for opened, warning, met, breached and cancelled,
// each published under its own schema id.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, EXAMPLE, Id, OrderId, Text, topLevel } from './common.ts';

const DeadlineShape = Type.Object(
  {
    deadlineId: Id,
    orderId: OrderId,
    kind: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$', maxLength: 60, description: 'Deadline kind from the rules file, e.g. kvittens' }),
    rule: Type.String({ pattern: '^R-[A-Z0-9-]+$', description: 'The routine rule the deadline enforces' }),
    dueAt: DateTime,
    warnAt: Type.Optional(DateTime),
    openedAt: Type.Optional(DateTime),
    closedAt: Type.Optional(DateTime),
    closedBy: Type.Optional(Id),
    reason: Type.Optional(Text(500)),
    context: Type.Object(
      {
        caseOfficerId: Type.Optional(Type.String()),
        sourceSystem: Type.Optional(Type.String()),
        providerConnected: Type.Optional(Type.String()),
        reference: Type.Optional(Type.String({ description: 'The source system\'s reference of the order, e.g. BeslutsId' })),
      },
      { additionalProperties: Type.String(), description: 'Routing context copied from the order: ids only, never personal data' },
    ),
  },
  { additionalProperties: false },
);
export type DeadlineData = Static<typeof DeadlineShape>;

const base: DeadlineData = {
  deadlineId: `${EXAMPLE.orderId}:kvittens`,
  orderId: EXAMPLE.orderId,
  kind: 'kvittens',
  rule: 'R-KVITTENS-3VD',
  openedAt: '2026-11-23T09:14:05+01:00',
  warnAt: '2026-11-26T12:00:00+01:00',
  dueAt: '2026-11-27T00:00:00+01:00',
  context: { caseOfficerId: 'bih-4711', sourceSystem: 'lifecare', providerConnected: 'true', reference: 'B-2026-5531' },
};

export const DeadlineOpenedData = topLevel('deadline-opened', 'A deadline starts running', DeadlineShape, [base]);
export const DeadlineWarningData = topLevel('deadline-warning', 'A deadline is close: reminder to whoever must act', DeadlineShape, [base]);
export const DeadlineMetData = topLevel('deadline-met', 'A deadline was met in time', DeadlineShape, [
  { ...base, closedAt: '2026-11-25T15:40:00+01:00', closedBy: '2d1c0f6e-8b7a-5c3d-9e2f-4a5b6c7d8e9f' },
]);
export const DeadlineBreachedData = topLevel('deadline-breached', 'A deadline passed unmet (R-KVITTENS-3VD and others)', DeadlineShape, [
  { ...base, closedAt: '2026-11-27T00:00:00+01:00' },
]);
export const DeadlineCancelledData = topLevel('deadline-cancelled', 'A deadline no longer applies (order closed, not started)', DeadlineShape, [
  { ...base, closedAt: '2026-11-24T10:00:00+01:00', closedBy: '7f6e5d4c-3b2a-5190-8a7b-6c5d4e3f2a1b', reason: 'order closed' },
]);
