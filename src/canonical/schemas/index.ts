// The registry of canonical schemas: which data schema belongs to which event type, and the
// JSON files `scripts/write-schemas.ts` writes from them (schemas/<name>.schema.json).
import type { TSchema } from '@sinclair/typebox';
import { EVENT_TYPES, type EventType } from '../event-types.ts';
import { DeadLetterData } from './dead-letter.ts';
import { DeadlineBreachedData, DeadlineCancelledData, DeadlineMetData, DeadlineOpenedData, DeadlineWarningData } from './deadlines.ts';
import { DeliveryFailedData, DeliveryRequestedData, DeliveryRetryScheduledData, DeliverySucceededData, DeliveryWaitingForWindowData } from './deliveries.ts';
import { EnvelopeSchema } from './envelope.ts';
import {
  AbsenceReportedData, DaysExpandedData, DeviationReportedData, ExecutionEndedData, OrderAcknowledgedData, OrderClosedData,
  OrderExecutedData, OrderFollowUpData, OrderNotStartedData, OrderPlacedData, PlanSubmittedData, StartConfirmedData,
} from './orders.ts';
import { MealReportData, ParticipantListData, ParticipantSummaryData } from './reports.ts';

export * from './common.ts';
export * from './dead-letter.ts';
export * from './deadlines.ts';
export * from './deliveries.ts';
export * from './envelope.ts';
export * from './orders.ts';
export * from './reports.ts';

type EventKey = keyof typeof EVENT_TYPES;

/** The data schema of every event type, by its key in EVENT_TYPES. */
export const DATA_SCHEMAS = {
  orderPlaced: OrderPlacedData,
  orderFollowUp: OrderFollowUpData,
  orderClosed: OrderClosedData,
  orderAcknowledged: OrderAcknowledgedData,
  startConfirmed: StartConfirmedData,
  orderExecuted: OrderExecutedData,
  orderNotStarted: OrderNotStartedData,
  daysExpanded: DaysExpandedData,
  deviationReported: DeviationReportedData,
  absenceReported: AbsenceReportedData,
  planSubmitted: PlanSubmittedData,
  executionEnded: ExecutionEndedData,
  participantList: ParticipantListData,
  mealReport: MealReportData,
  participantSummary: ParticipantSummaryData,
  deadlineOpened: DeadlineOpenedData,
  deadlineWarning: DeadlineWarningData,
  deadlineMet: DeadlineMetData,
  deadlineBreached: DeadlineBreachedData,
  deadlineCancelled: DeadlineCancelledData,
  deliveryRequested: DeliveryRequestedData,
  deliverySucceeded: DeliverySucceededData,
  deliveryRetryScheduled: DeliveryRetryScheduledData,
  deliveryFailed: DeliveryFailedData,
  deliveryWaitingForWindow: DeliveryWaitingForWindowData,
  deadLetter: DeadLetterData,
} as const satisfies Record<EventKey, TSchema>;

/** The short name of an event type, e.g. `orderFollowUp` → `order-follow-up`: the file name. */
export function shortNameOf(key: EventKey): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Data schema by CloudEvents `type`. */
export const DATA_SCHEMA_OF: Readonly<Record<EventType, TSchema>> = Object.fromEntries(
  (Object.keys(EVENT_TYPES) as EventKey[]).map((key): [string, TSchema] => [EVENT_TYPES[key], DATA_SCHEMAS[key]]),
) as Record<EventType, TSchema>;

export interface SchemaFile {
  /** `envelope` or the event's short name. */
  name: string;
  /** The CloudEvents type whose `data` the schema describes; absent for the envelope. */
  type?: EventType;
  schema: TSchema;
}

export const SCHEMA_FILES: readonly SchemaFile[] = [
  { name: 'envelope', schema: EnvelopeSchema },
  ...(Object.keys(EVENT_TYPES) as EventKey[]).map((key) => ({ name: shortNameOf(key), type: EVENT_TYPES[key], schema: DATA_SCHEMAS[key] })),
];

/** The exact text of `schemas/<name>.schema.json` (TypeBox's symbols are not part of it). */
export function schemaFileText(schema: TSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
