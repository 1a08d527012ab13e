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
  provider?: { id: string; connected?: boolean; fax?: string; email?: string };
  backdated?: boolean;
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
  return ctx.directory.configuredProvider(data.provider?.id) ?? ctx.directory.providerOfUnitName(data.unit?.name ?? firstChoice(data));
}

/**
 * R-ORDER-FAX-FALLBACK: a new order for a provider outside every system goes by fax or e-mail
 * (the provider's fallback inbox) and the fee administrator is told, who confirms on its behalf.
 * R-ORDER-WRITTEN: a back-dated written order also reaches the section leader.
 */
function newOrderInboxes(data: RoutableData, ctx: RouteContext): InboxTarget[] {
  const provider = providerOf(data, ctx);
  const outside = data.provider?.connected === false || !provider.connected;
  const backdated = data.backdated ? [ctx.directory.sectionLeader()] : [];
  if (outside) return [ctx.directory.fallback(provider, data.provider), ctx.directory.feeAdministrator(), ...backdated];
  // R-ORDER-CENTRAL-INBOX, R-ORDER-COORDINATOR-SEES-ALL
  return [ctx.directory.central(provider), ctx.directory.coordinator(provider), ...backdated];
}

function unitOrCentral(data: RoutableData, ctx: RouteContext): InboxTarget {
  const placed = ctx.placedUnitId ? ctx.directory.unitById(ctx.placedUnitId) : undefined;
  return placed ? ctx.directory.unit(placed.unit) : ctx.directory.central(providerOf(data, ctx));
}

/** The inbox the order itself lives in: its unit once it has one, else the provider's central inbox. */
function orderInbox(data: RoutableData, ctx: RouteContext): InboxTarget {
  const unit = ctx.order?.unitId ? ctx.directory.unitById(ctx.order.unitId) : undefined;
  return unit ? ctx.directory.unit(unit.unit) : ctx.directory.central(providerOf(data, ctx));
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
        return newOrderInboxes(data, ctx);
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
        // A reminder goes to the provider, who still has time to act, where its order went: not
        // to the unit of an earlier placement of the same client.
        return [orderInbox(data, ctx)];
      default:
        return [];
    }
  })();
  // One message per real inbox: a provider whose central and coordinator inbox are the same
  // address (Treserva's uppdragsmottagare) gets the order once.
  const seen = new Set<string>();
  const addressOf = (t: InboxTarget): string => [t.system, t.addressType, t.addressId ?? '', t.addressName ?? ''].join('|');
  return targets.filter((t) => !seen.has(addressOf(t)) && seen.add(addressOf(t)));
}
