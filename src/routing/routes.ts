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

type Route = (data: RoutableData, ctx: RouteContext) => InboxTarget[];

const coordinator: Route = (data, ctx) => [ctx.directory.coordinator(providerOf(data, ctx))];

/** Who hears of each event type that is delivered; types not here go to no inbox. */
const ROUTES = new Map<string, Route>([
  [EVENT_TYPES.orderPlaced, newOrderInboxes],
  // R-ORDER-CENTRAL-INBOX: a placed client's follow-up goes to that unit's own inbox
  [EVENT_TYPES.orderFollowUp, (data, ctx) => [unitOrCentral(data, ctx), ...coordinator(data, ctx)]],
  // R-CONFIRM-START
  [EVENT_TYPES.startConfirmed, (data, ctx) => [...caseOfficerOf(data, ctx), ...coordinator(data, ctx)]],
  // R-NOT-STARTED: case officer closes, coordinator removes from the queue, fee administrator told
  [EVENT_TYPES.orderNotStarted, (data, ctx) => [...caseOfficerOf(data, ctx), ...coordinator(data, ctx), ctx.directory.feeAdministrator()]],
  [EVENT_TYPES.orderAcknowledged, caseOfficerOf],
  [EVENT_TYPES.orderExecuted, caseOfficerOf],
  [EVENT_TYPES.daysExpanded, caseOfficerOf], // R-EXPAND-DAYS
  [EVENT_TYPES.deviationReported, caseOfficerOf], // R-REPORT-TO-BIH, R-CHANGED-NEEDS
  [EVENT_TYPES.planSubmitted, caseOfficerOf], // R-PLAN-15AD
  // R-ABSENCE: short absence is not reported to the authority; home care always hears
  [EVENT_TYPES.absenceReported, (data, ctx) => (data.absenceType === 'LANG' ? [...caseOfficerOf(data, ctx), ...homeCareTeamOf(data, ctx)] : homeCareTeamOf(data, ctx))],
  // R-END: the provider and the fee administrator are told
  [EVENT_TYPES.orderClosed, (data, ctx) => [unitOrCentral(data, ctx), ctx.directory.feeAdministrator()]],
  [EVENT_TYPES.executionEnded, (data, ctx) => [...caseOfficerOf(data, ctx), ctx.directory.feeAdministrator()]],
  [EVENT_TYPES.deadlineBreached, (data, ctx) => [...caseOfficerOf(data, ctx), ...escalationOf(data, ctx)]],
  // R-MONTHLY-LIST: each day centre's month-end list goes to the coordinator, who compiles it
  [EVENT_TYPES.participantList, coordinator],
  // R-MONTHLY-LIST: the coordinator's compilation goes to the case officers' shared inbox
  [EVENT_TYPES.participantSummary, (_data, ctx) => [ctx.directory.caseOfficers()]],
  // R-MEALS: meals per client and month go to the fee administrators' inbox ("vof avgifter")
  [EVENT_TYPES.mealReport, (_data, ctx) => [ctx.directory.feeAdministrator()]],
  // A reminder goes to the provider, who still has time to act, where its order went: not
  // to the unit of an earlier placement of the same client.
  [EVENT_TYPES.deadlineWarning, (data, ctx) => [orderInbox(data, ctx)]],
]);

/** Whether events of this type can go to any inbox; others need no order state to be routed. */
export const isRouted = (type: string): boolean => ROUTES.has(type);

/** The inboxes an event goes to, without duplicates; empty when the event is not delivered. */
export function routeEvent(event: CloudEvent, ctx: RouteContext): InboxTarget[] {
  const targets = ROUTES.get(event.type)?.(event.data as RoutableData, ctx) ?? [];
  // One message per real inbox: a provider whose central and coordinator inbox are the same
  // address (Treserva's uppdragsmottagare) gets the order once.
  const seen = new Set<string>();
  const addressOf = (t: InboxTarget): string => [t.system, t.addressType, t.addressId ?? '', t.addressName ?? ''].join('|');
  return targets.filter((t) => !seen.has(addressOf(t)) && seen.add(addressOf(t)));
}
