// Which inboxes each canonical event goes to: the routines' distribution rules as one table.
import type { CloudEvent } from '../canonical/envelope.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { InboxDirectory, InboxTarget } from './inboxes.ts';
import type { OrderSummary } from './order-registry.ts';

/** The fields of order events that routing reads. */
interface RoutableData {
  orderId?: string;
  origin?: { system: string; reference: string };
  caseOfficer?: { id: string };
  client?: { clientId: string; homeCareTeam?: string };
  clientId?: string;
  desiredUnits?: { name: string; priority: number }[];
  unit?: { name: string; id?: string };
  absenceType?: 'KORT' | 'LANG';
  kind?: string;
  context?: Record<string, string>;
}

export interface RouteContext {
  directory: InboxDirectory;
  /** The order as the registry knew it before this event (undefined for a new order). */
  order?: OrderSummary;
  /** The unit the client is placed at, if any (R-ORDER-CENTRAL-INBOX). */
  placedUnitId?: string;
}

/** The unit the case officer wished for first (lowest priority number). */
export function firstChoice(data: Pick<RoutableData, 'desiredUnits'>): string | undefined {
  return [...(data.desiredUnits ?? [])].sort((a, b) => a.priority - b.priority)[0]?.name;
}

function caseOfficerOf(data: RoutableData, ctx: RouteContext): InboxTarget[] {
  const system = ctx.order?.system ?? data.origin?.system ?? data.context?.sourceSystem;
  const id = ctx.order?.caseOfficerId ?? data.caseOfficer?.id ?? data.context?.caseOfficerId;
  return system && id ? [ctx.directory.caseOfficer(system, id)] : [];
}

function providerOf(data: RoutableData, ctx: RouteContext) {
  if (ctx.order) return ctx.directory.provider(ctx.order.providerId);
  return ctx.directory.providerOfUnitName(data.unit?.name ?? firstChoice(data));
}

function unitOrCentral(data: RoutableData, ctx: RouteContext): InboxTarget {
  const placed = ctx.placedUnitId ? ctx.directory.unitById(ctx.placedUnitId) : undefined;
  return placed ? ctx.directory.unit(placed.unit) : ctx.directory.central(providerOf(data, ctx));
}

function homeCareTeamOf(data: RoutableData, ctx: RouteContext): InboxTarget[] {
  const team = ctx.order?.homeCareTeam ?? data.client?.homeCareTeam;
  return team ? [ctx.directory.homeCareTeam(team)] : [];
}

/** Whether the order's provider is outside every system (R-ORDER-FAX-FALLBACK). */
function providerNotConnected(data: RoutableData, ctx: RouteContext): boolean {
  if (data.context?.providerConnected === 'false') return true;
  return ctx.order ? !ctx.directory.provider(ctx.order.providerId).connected : false;
}

/**
 * Who hears of a breach beyond the case officer: the section leader of a decision not executed
 * within three months (R-EXEC-3M); the fee administrator of a missed kvittens from a provider
 * that is not connected, who then confirms on its behalf (R-ORDER-FAX-FALLBACK).
 */
function escalationOf(data: RoutableData, ctx: RouteContext): InboxTarget[] {
  if (data.kind === 'exec3m') return [ctx.directory.sectionLeader()];
  if (data.kind === 'kvittens' && providerNotConnected(data, ctx)) return [ctx.directory.feeAdministrator()];
  return [];
}

/** The inboxes an event goes to, without duplicates; empty when the event is not delivered. */
export function routeEvent(event: CloudEvent, ctx: RouteContext): InboxTarget[] {
  const data = event.data as RoutableData;
  const coordinator = () => [ctx.directory.coordinator(providerOf(data, ctx))];
  const targets: InboxTarget[] = (() => {
    switch (event.type) {
      case EVENT_TYPES.orderPlaced:
        // R-ORDER-CENTRAL-INBOX, R-ORDER-COORDINATOR-SEES-ALL
        return [ctx.directory.central(providerOf(data, ctx)), ...coordinator()];
      case EVENT_TYPES.orderFollowUp:
        // R-ORDER-CENTRAL-INBOX: a placed client's follow-up goes to that unit's own inbox
        return [unitOrCentral(data, ctx), ...coordinator()];
      case EVENT_TYPES.startConfirmed:
        // R-CONFIRM-START
        return [...caseOfficerOf(data, ctx), ...coordinator()];
      case EVENT_TYPES.orderNotStarted:
        // R-NOT-STARTED: case officer closes, coordinator removes from the queue, fee administrator told
        return [...caseOfficerOf(data, ctx), ...coordinator(), ctx.directory.feeAdministrator()];
      case EVENT_TYPES.orderAcknowledged:
      case EVENT_TYPES.orderExecuted:
      case EVENT_TYPES.daysExpanded: // R-EXPAND-DAYS
      case EVENT_TYPES.deviationReported: // R-REPORT-TO-BIH, R-CHANGED-NEEDS
      case EVENT_TYPES.planSubmitted: // R-PLAN-15AD
        return caseOfficerOf(data, ctx);
      case EVENT_TYPES.absenceReported:
        // R-ABSENCE: short absence is not reported to the authority; home care always hears
        return data.absenceType === 'LANG' ? [...caseOfficerOf(data, ctx), ...homeCareTeamOf(data, ctx)] : homeCareTeamOf(data, ctx);
      case EVENT_TYPES.orderClosed:
        // R-END: the provider and the fee administrator are told
        return [unitOrCentral(data, ctx), ctx.directory.feeAdministrator()];
      case EVENT_TYPES.executionEnded:
        return [...caseOfficerOf(data, ctx), ctx.directory.feeAdministrator()];
      case EVENT_TYPES.deadlineBreached:
        return [...caseOfficerOf(data, ctx), ...escalationOf(data, ctx)];
      case EVENT_TYPES.participantList:
        // R-MONTHLY-LIST: each day centre's month-end list goes to the coordinator, who compiles it
        return coordinator();
      case EVENT_TYPES.participantSummary:
        // R-MONTHLY-LIST: the coordinator's compilation goes to the case officers' shared inbox
        return [ctx.directory.caseOfficers()];
      case EVENT_TYPES.mealReport:
        // R-MEALS: meals per client and month go to the fee administrators' inbox ("vof avgifter")
        return [ctx.directory.feeAdministrator()];
      case EVENT_TYPES.deadlineWarning:
        // A reminder goes to the provider, who still has time to act
        return [unitOrCentral(data, ctx)];
      default:
        return [];
    }
  })();
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.inboxId) && seen.add(t.inboxId));
}
