// The router: turns every order and deadline event into one delivery request per inbox.
// Delivery ids are derived from (event id, inbox), so a redelivered event yields the same
// requests and the delivery worker's idempotency keys keep the provider's inbox single.
import type { Logger } from 'pino';
import type { Bus, Subscription } from '../bus/bus.ts';
import { fromBusRecord, stableId, type CloudEvent } from '../canonical/envelope.ts';
import { EVENT_TYPES, TOPICS } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { Metrics } from '../metrics.ts';
import type { InboxDirectory } from './inboxes.ts';
import type { OrderRegistry, OrderSummary } from './order-registry.ts';
import { firstChoice, isRouted, routeEvent } from './routes.ts';

interface OrderData {
  orderId: string;
  origin: { system: string; reference: string };
  caseOfficer?: { id: string };
  client?: { clientId: string; homeCareTeam?: string };
  desiredUnits?: { name: string; priority: number }[];
  unit?: { name: string; id?: string };
  provider?: { id: string; connected?: boolean };
}

/** Every topic the router reads; rebuild replays them through {@link rememberOrderState}. */
export const ROUTED_TOPICS: string[] = [TOPICS.orderEvents, TOPICS.providerReports, TOPICS.deadlineEvents];

export class Router {
  private subscription?: Subscription;

  constructor(
    private readonly deps: {
      bus: Bus;
      publisher: EventPublisher;
      registry: OrderRegistry;
      directory: InboxDirectory;
      metrics: Pick<Metrics, 'routed'>;
      logger: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: 'brygga-router',
      topics: ROUTED_TOPICS,
      fromBeginning: true,
      handler: async (record) => this.handle(fromBusRecord(record)),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
  }

  async handle(event: CloudEvent): Promise<void> {
    const { registry, directory, publisher, metrics, logger } = this.deps;
    const data = event.data as Partial<OrderData>;
    // Provider reports (participant lists, meals) belong to a unit and month, not to an order.
    const orderId = data.orderId;
    // Most events (deadline bookkeeping) neither go to an inbox nor change what is remembered:
    // they need neither the order nor the client's placement, two store reads each.
    const needsOrderState = isRouted(event.type) || ORDER_STATE_TYPES.has(event.type);
    const order = needsOrderState ? await summaryBefore(event, registry) : undefined;
    const clientId = order?.clientId ?? data.client?.clientId;
    const placedUnitId = needsOrderState && clientId ? await registry.placementOf(clientId) : undefined;
    const targets = routeEvent(event, { directory, order, placedUnitId });

    const requests = targets.map((inbox) => {
      const deliveryId = stableId('delivery', event.id, inbox.inboxId);
      return publisher.create({
        id: deliveryId,
        type: EVENT_TYPES.deliveryRequested,
        source: '/brygga/router',
        subject: orderId ?? event.subject,
        causationid: event.id,
        data: { deliveryId, ...(orderId ? { orderId } : {}), inbox, event },
      });
    });
    if (requests.length > 0) await publisher.publish(requests);
    // After routing, so a retry routes alike.
    await rememberOrderState(event, { registry, directory }, order);
    metrics.routed.inc({ type: event.type });
    // Most events (deadline bookkeeping, traces) go to no inbox: only a routing is worth an info line.
    logger[targets.length > 0 ? 'info' : 'debug']({ eventId: event.id, type: event.type, subject: event.subject, inboxes: targets.map((t) => t.inboxId) }, 'routed');
  }
}

/** The summary the registry holds for the event's order, before the event changes it. */
export async function summaryBefore(event: CloudEvent, registry: OrderRegistry): Promise<OrderSummary | undefined> {
  const orderId = (event.data as Partial<OrderData>).orderId;
  return orderId ? registry.find(orderId) : undefined;
}

/** The event types {@link rememberOrderState} learns from. */
const ORDER_STATE_TYPES = new Set<string>([EVENT_TYPES.orderPlaced, EVENT_TYPES.orderFollowUp, EVENT_TYPES.startConfirmed, EVENT_TYPES.orderExecuted, EVENT_TYPES.executionEnded]);

/**
 * Updates what later events of an order need (the order summary, the client's placement) from
 * one event. `order` is the summary as it stood before the event. The router calls it for every
 * event it routes; `brygga rebuild` replays the log through it to restore a lost store.
 */
export async function rememberOrderState(
  event: CloudEvent,
  deps: { registry: OrderRegistry; directory: InboxDirectory },
  order: OrderSummary | undefined,
): Promise<void> {
  if (!ORDER_STATE_TYPES.has(event.type)) return;
  const { registry, directory } = deps;
  const data = event.data as Partial<OrderData>;
  if ((event.type === EVENT_TYPES.orderPlaced || event.type === EVENT_TYPES.orderFollowUp) && data.origin && data.orderId) {
    // R-ORDER-CENTRAL-INBOX: a follow-up on a placed client went to that unit, a new order centrally.
    const provider = directory.configuredProvider(data.provider?.id) ?? directory.providerOfUnitName(firstChoice(data));
    const unitId = event.type === EVENT_TYPES.orderFollowUp && data.client ? await registry.placementOf(data.client.clientId) : undefined;
    await registry.remember({
      ...(unitId ? { unitId } : {}),
      orderId: data.orderId,
      system: data.origin.system,
      reference: data.origin.reference,
      caseOfficerId: data.caseOfficer?.id,
      clientId: data.client?.clientId,
      providerId: provider.id,
      providerConnected: data.provider?.connected !== false && provider.connected,
      homeCareTeam: data.client?.homeCareTeam,
    });
  }
  if ((event.type === EVENT_TYPES.startConfirmed || event.type === EVENT_TYPES.orderExecuted) && data.unit) {
    const unit = directory.findUnit(data.unit.id ?? data.unit.name) ?? directory.findUnit(data.unit.name);
    if (order && unit) await registry.remember({ ...order, unitId: unit.unit.id });
    if (order?.clientId && unit) await registry.placeClient(order.clientId, unit.unit.id);
  }
  if (event.type === EVENT_TYPES.executionEnded && order?.clientId) await registry.unplaceClient(order.clientId);
}
