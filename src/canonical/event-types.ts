// Every canonical event type and the topic it travels on. Topic names are `<domain>.<name>.v1`.

export const TOPICS = {
  orderEvents: 'orders.events.v1',
  providerReports: 'provider.reports.v1',
  deadlineEvents: 'deadlines.events.v1',
  deliveryRequests: 'deliveries.requests.v1',
  deliveryOutcomes: 'deliveries.outcomes.v1',
  deadLetters: 'deadletter.records.v1',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** CloudEvents `type` of each canonical event, grouped by the topic that carries it. */
export const EVENT_TYPES = {
  orderPlaced: 'se.brygga.order.placed.v1',
  orderFollowUp: 'se.brygga.order.followup.v1',
  orderClosed: 'se.brygga.order.closed.v1',
  orderAcknowledged: 'se.brygga.order.acknowledged.v1',
  startConfirmed: 'se.brygga.order.start-confirmed.v1',
  orderExecuted: 'se.brygga.order.executed.v1',
  orderNotStarted: 'se.brygga.order.not-started.v1',
  daysExpanded: 'se.brygga.order.days-expanded.v1',
  deviationReported: 'se.brygga.order.deviation-reported.v1',
  absenceReported: 'se.brygga.order.absence-reported.v1',
  planSubmitted: 'se.brygga.order.plan-submitted.v1',
  executionEnded: 'se.brygga.order.execution-ended.v1',
  participantList: 'se.brygga.report.participant-list.v1',
  mealReport: 'se.brygga.report.meals.v1',
  participantSummary: 'se.brygga.report.participant-summary.v1',
  deadlineOpened: 'se.brygga.deadline.opened.v1',
  deadlineWarning: 'se.brygga.deadline.warning.v1',
  deadlineMet: 'se.brygga.deadline.met.v1',
  deadlineBreached: 'se.brygga.deadline.breached.v1',
  deadlineCancelled: 'se.brygga.deadline.cancelled.v1',
  deliveryRequested: 'se.brygga.delivery.requested.v1',
  deliverySucceeded: 'se.brygga.delivery.succeeded.v1',
  deliveryRetryScheduled: 'se.brygga.delivery.retry-scheduled.v1',
  deliveryFailed: 'se.brygga.delivery.failed.v1',
  deliveryWaitingForWindow: 'se.brygga.delivery.waiting-for-window.v1',
  deadLetter: 'se.brygga.deadletter.recorded.v1',
} as const;
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** The topic each event type is published on. */
export const TOPIC_OF: Record<EventType, TopicName> = {
  [EVENT_TYPES.orderPlaced]: TOPICS.orderEvents,
  [EVENT_TYPES.orderFollowUp]: TOPICS.orderEvents,
  [EVENT_TYPES.orderClosed]: TOPICS.orderEvents,
  [EVENT_TYPES.orderAcknowledged]: TOPICS.orderEvents,
  [EVENT_TYPES.startConfirmed]: TOPICS.orderEvents,
  [EVENT_TYPES.orderExecuted]: TOPICS.orderEvents,
  [EVENT_TYPES.orderNotStarted]: TOPICS.orderEvents,
  [EVENT_TYPES.daysExpanded]: TOPICS.orderEvents,
  [EVENT_TYPES.deviationReported]: TOPICS.orderEvents,
  [EVENT_TYPES.absenceReported]: TOPICS.orderEvents,
  [EVENT_TYPES.planSubmitted]: TOPICS.orderEvents,
  [EVENT_TYPES.executionEnded]: TOPICS.orderEvents,
  [EVENT_TYPES.participantList]: TOPICS.providerReports,
  [EVENT_TYPES.mealReport]: TOPICS.providerReports,
  [EVENT_TYPES.participantSummary]: TOPICS.providerReports,
  [EVENT_TYPES.deadlineOpened]: TOPICS.deadlineEvents,
  [EVENT_TYPES.deadlineWarning]: TOPICS.deadlineEvents,
  [EVENT_TYPES.deadlineMet]: TOPICS.deadlineEvents,
  [EVENT_TYPES.deadlineBreached]: TOPICS.deadlineEvents,
  [EVENT_TYPES.deadlineCancelled]: TOPICS.deadlineEvents,
  [EVENT_TYPES.deliveryRequested]: TOPICS.deliveryRequests,
  [EVENT_TYPES.deliverySucceeded]: TOPICS.deliveryOutcomes,
  [EVENT_TYPES.deliveryRetryScheduled]: TOPICS.deliveryOutcomes,
  [EVENT_TYPES.deliveryFailed]: TOPICS.deliveryOutcomes,
  [EVENT_TYPES.deliveryWaitingForWindow]: TOPICS.deliveryOutcomes,
  [EVENT_TYPES.deadLetter]: TOPICS.deadLetters,
};
