// Which deadlines an order event opens, meets or cancels: a pure function of the event, the
// rules file and the calendar, so replaying the log (rebuild) computes exactly the same state.
import type { CloudEvent } from '../canonical/envelope.ts';
import type { SwedishCalendar } from '../calendar/calendar.ts';
import type { Deadline } from '../store/store.ts';
import { anchorOf, dueFor, warnFor, type DeadlineRule } from './rules.ts';

export type DeadlineChange =
  | { action: 'open'; deadline: Omit<Deadline, 'status' | 'warned'> }
  | { action: 'meet' | 'cancel'; deadlineId: string; at: number; reason?: string };

interface OrderEventData {
  orderId?: string;
  origin?: { system: string; reference: string };
  caseOfficer?: { id: string };
  provider?: { connected?: boolean };
  reason?: string;
}

export const deadlineIdOf = (orderId: string, kind: string): string => `${orderId}:${kind}`;

function contextOf(data: OrderEventData): Record<string, string> {
  const context: Record<string, string> = {};
  if (data.origin) {
    context.sourceSystem = data.origin.system;
    context.reference = data.origin.reference;
  }
  if (data.caseOfficer) context.caseOfficerId = data.caseOfficer.id;
  // R-ORDER-FAX-FALLBACK: a missed kvittens of a provider outside the systems also reaches the fee administrator.
  if (data.provider?.connected !== undefined) context.providerConnected = String(data.provider.connected);
  return context;
}

export function planDeadlineChanges(event: CloudEvent, rules: DeadlineRule[], calendar: SwedishCalendar): DeadlineChange[] {
  const data = event.data as OrderEventData;
  const orderId = data.orderId;
  if (!orderId) return [];
  const at = Date.parse(event.time);
  const changes: DeadlineChange[] = [];
  for (const rule of rules) {
    const deadlineId = deadlineIdOf(orderId, rule.kind);
    if (rule.openedBy.includes(event.type)) {
      const dueAt = dueFor(rule, anchorOf(rule, event), calendar);
      const warnAt = warnFor(rule, dueAt, calendar);
      changes.push({
        action: 'open',
        deadline: {
          id: deadlineId, orderId, kind: rule.kind, rule: rule.rule, openedAt: at, dueAt,
          ...(warnAt < dueAt ? { warnAt } : {}),
          context: contextOf(data),
        },
      });
    }
    if (rule.metBy.includes(event.type)) changes.push({ action: 'meet', deadlineId, at });
    if (rule.cancelledBy.includes(event.type)) {
      const reason = data.reason ? `${event.type}: ${data.reason}` : event.type;
      changes.push({ action: 'cancel', deadlineId, at, reason });
    }
  }
  return changes;
}
