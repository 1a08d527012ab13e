// One state per order, folded from the order events in log order: what the reports of
// R-EXEC-3M, R-ORDER-ONE-ACTIVE and the national EVB report are computed from. Pure: no I/O.
import { DateTime } from 'luxon';
import { dayNumber } from '../calendar/holidays.ts';
import type { CloudEvent } from '../canonical/envelope.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import { birthDateOf } from '../canonical/personnummer.ts';
import type {
  ExecutionEndedData, OrderClosedData, OrderExecutedData, OrderFollowUpData, OrderNotStartedData, OrderPlacedData,
  StartConfirmedData,
} from '../canonical/schemas/orders.ts';

export type OrderStatus = 'ordered' | 'started' | 'executed' | 'not-started' | 'closed' | 'ended';

/** Swedish labels of the statuses, for CSV and text. */
export const STATUS_LABEL_SV: Readonly<Record<OrderStatus, string>> = {
  ordered: 'beställd',
  started: 'start bekräftad',
  executed: 'verkställd',
  'not-started': 'ej påbörjad',
  closed: 'avslutad',
  ended: 'verkställighet avslutad',
};

export interface OrderState {
  orderId: string;
  system: string;
  /** The source system's reference, e.g. BeslutsId. */
  reference: string;
  clientId: string;
  /**
   * The client's birth date 'YYYY-MM-DD' (samordningsnummer: day minus 60), kept only for the
   * EVB report. The personnummer itself is not kept (data minimisation): no report can leak it.
   */
  birthDate: string;
  serviceCode: string;
  serviceName: string;
  decisionDate: string;
  registeredAt: string;
  /** The unit of the start confirmation or execution, else the desired unit of highest priority. */
  unitName?: string;
  caseOfficerId: string;
  status: OrderStatus;
  startDate?: string;
  /** R-EXECUTE-ON-START: the first day the client attended. */
  executedDate?: string;
  notStartedReason?: string;
  /** Stockholm date of the not-started message (it carries no date of its own). */
  notStartedDate?: string;
  /** The case officer's end date (order closed, R-END / R-NOT-STARTED). */
  closedDate?: string;
  /** The unit manager's end date of the execution (R-END). */
  endedDate?: string;
}

const TERMINAL: ReadonlySet<OrderStatus> = new Set(['closed', 'ended']);

/**
 * Folds the events of orders.events.v1 (other topics' events are skipped) into one state per
 * order id. Rules:
 * - placed and follow-up (a new decision) set the decision: date, service, client, desired unit,
 *   case officer. A follow-up for an unknown order id creates the state (it carries the whole
 *   decision); a repeated placed updates it without resetting the status.
 * - events other than placed / follow-up for an order never placed are skipped: the decision is
 *   what every report is about.
 * - start-confirmed → 'started' (from 'ordered' only); executed → 'executed' (the earliest
 *   execution date is kept; a client who had declined and attends after all is executed);
 *   not-started → 'not-started' unless executed; closed → 'closed'; execution-ended → 'ended'.
 *   'closed' and 'ended' are final for the status, but later end events still record their dates.
 * - an event id seen before is skipped (at-least-once delivery).
 */
export function foldOrderStates(events: Iterable<CloudEvent>): Map<string, OrderState> {
  const states = new Map<string, OrderState>();
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    apply(states, event);
  }
  return states;
}

function apply(states: Map<string, OrderState>, event: CloudEvent): void {
  switch (event.type) {
    case EVENT_TYPES.orderPlaced:
    case EVENT_TYPES.orderFollowUp: {
      const data = event.data as OrderPlacedData | OrderFollowUpData;
      const previous = states.get(data.orderId);
      const desired = [...data.desiredUnits].sort((a, b) => a.priority - b.priority)[0]?.name;
      const confirmedUnit = previous?.startDate !== undefined || previous?.executedDate !== undefined ? previous.unitName : undefined;
      const unitName = confirmedUnit ?? desired;
      states.set(data.orderId, {
        ...previous,
        orderId: data.orderId,
        system: data.origin.system,
        reference: data.origin.reference,
        clientId: data.clientId ?? data.client.clientId,
        birthDate: birthDateOf(data.client.personnummer),
        serviceCode: data.service.code,
        serviceName: data.service.name,
        decisionDate: data.decisionDate,
        registeredAt: data.registeredAt,
        ...(unitName === undefined ? {} : { unitName }),
        caseOfficerId: data.caseOfficer.id,
        status: previous?.status ?? 'ordered',
      });
      return;
    }
    case EVENT_TYPES.startConfirmed: {
      const data = event.data as StartConfirmedData;
      const state = states.get(data.orderId);
      if (!state) return;
      state.startDate = data.startDate;
      if (state.executedDate === undefined) state.unitName = data.unit.name;
      if (state.status === 'ordered') state.status = 'started';
      return;
    }
    case EVENT_TYPES.orderExecuted: {
      const data = event.data as OrderExecutedData;
      const state = states.get(data.orderId);
      if (!state) return;
      if (state.executedDate === undefined || data.date < state.executedDate) {
        state.executedDate = data.date;
        state.unitName = data.unit.name;
      }
      if (!TERMINAL.has(state.status)) {
        state.status = 'executed';
        delete state.notStartedReason;
        delete state.notStartedDate;
      }
      return;
    }
    case EVENT_TYPES.orderNotStarted: {
      const data = event.data as OrderNotStartedData;
      const state = states.get(data.orderId);
      if (!state || state.status === 'executed' || TERMINAL.has(state.status)) return;
      state.status = 'not-started';
      state.notStartedReason = data.reason;
      state.notStartedDate = stockholmDate(data.origin.createdAt);
      return;
    }
    case EVENT_TYPES.orderClosed: {
      const data = event.data as OrderClosedData;
      const state = states.get(data.orderId);
      if (!state) return;
      state.closedDate = data.endDate;
      if (!TERMINAL.has(state.status)) state.status = 'closed';
      return;
    }
    case EVENT_TYPES.executionEnded: {
      const data = event.data as ExecutionEndedData;
      const state = states.get(data.orderId);
      if (!state) return;
      state.endedDate = data.endDate;
      if (!TERMINAL.has(state.status)) state.status = 'ended';
      return;
    }
    default:
      return;
  }
}

/** The Stockholm calendar date of an RFC 3339 time. */
export function stockholmDate(rfc3339: string): string {
  const date = DateTime.fromISO(rfc3339, { setZone: true }).setZone('Europe/Stockholm').toISODate();
  if (date === null) throw new RangeError(`not an RFC 3339 time: '${rfc3339}'`);
  return date;
}

/**
 * The day an order ended without (or regardless of) execution: the earliest of the not-started,
 * closed and execution-ended dates; undefined while the order is open or executed and running.
 */
export function endDateOf(state: OrderState): string | undefined {
  if (state.status !== 'not-started' && !TERMINAL.has(state.status)) return undefined;
  const dates = [state.notStartedDate, state.closedDate, state.endedDate].filter((d): d is string => d !== undefined);
  return dates.sort()[0];
}

/**
 * The order's status as it stood at the end of `asOf` ('YYYY-MM-DD'), from the dates the log
 * recorded: what happened after that day has not happened yet. Undefined before the decision.
 */
export function statusAsOf(state: OrderState, asOf: string): OrderStatus | undefined {
  if (state.decisionDate > asOf) return undefined;
  const by = (date: string | undefined): date is string => date !== undefined && date <= asOf;
  if (by(state.closedDate) || by(state.endedDate)) {
    return by(state.closedDate) && (!by(state.endedDate) || state.closedDate <= state.endedDate) ? 'closed' : 'ended';
  }
  if (by(state.executedDate)) return 'executed';
  if (by(state.notStartedDate)) return 'not-started';
  if (by(state.startDate)) return 'started';
  return 'ordered';
}

/** Calendar days from `from` to `to` (both 'YYYY-MM-DD'); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (a === undefined || b === undefined) throw new RangeError(`not a calendar date (expected YYYY-MM-DD): '${a === undefined ? from : to}'`);
  return b - a;
}

/** The states of a map from foldOrderStates, or any iterable of states. */
export function statesOf(states: ReadonlyMap<string, OrderState> | Iterable<OrderState>): OrderState[] {
  return states instanceof Map ? [...(states as ReadonlyMap<string, OrderState>).values()] : [...(states as Iterable<OrderState>)];
}
