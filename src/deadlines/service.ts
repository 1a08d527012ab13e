// The deadline service: opens, meets and cancels deadlines from order events as the rules file
// says, and fires due warnings and breaches. State lives in the store; every step is
// idempotent and every event it publishes has an id derived from the deadline, so replays and
// crashes never double a notice.
import type { Logger } from 'pino';
import type { Bus, Subscription } from '../bus/bus.ts';
import { fromBusRecord, stableId, type CloudEvent } from '../canonical/envelope.ts';
import { EVENT_TYPES, TOPICS } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { SwedishCalendar } from '../calendar/calendar.ts';
import type { Clock } from '../clock.ts';
import type { HealthBoard } from '../health.ts';
import type { Metrics } from '../metrics.ts';
import type { ClaimedTimer, Deadline, Store } from '../store/store.ts';
import { planDeadlineChanges } from './plan.ts';
import type { DeadlineRule } from './rules.ts';

export interface DeadlineServiceDeps {
  bus: Bus;
  store: Store;
  publisher: EventPublisher;
  clock: Clock;
  rules: DeadlineRule[];
  calendar: SwedishCalendar;
  metrics: Metrics;
  health: HealthBoard;
  logger: Logger;
  sweepIntervalMs: number;
  leaseMs: number;
  /** Most timers claimed per sweep round; a round with a full batch is followed at once by another. */
  batchSize?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const SWEEP = 'deadlines:sweep';

export function deadlineEventData(d: Deadline) {
  return {
    deadlineId: d.id,
    orderId: d.orderId,
    kind: d.kind,
    rule: d.rule,
    dueAt: iso(d.dueAt),
    ...(d.warnAt !== undefined ? { warnAt: iso(d.warnAt) } : {}),
    openedAt: iso(d.openedAt),
    ...(d.closedAt !== undefined ? { closedAt: iso(d.closedAt) } : {}),
    ...(d.closedBy ? { closedBy: d.closedBy } : {}),
    ...(d.reason ? { reason: d.reason } : {}),
    context: d.context,
  };
}

export class DeadlineService {
  private subscription?: Subscription;
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(private readonly deps: DeadlineServiceDeps) {}

  async start(): Promise<void> {
    this.subscription = await this.deps.bus.subscribe({
      groupId: 'brygga-deadlines',
      topics: [TOPICS.orderEvents],
      fromBeginning: true,
      handler: async (record) => this.handle(fromBusRecord(record)),
    });
    this.timer = setInterval(() => void this.sweep(), this.deps.sweepIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.subscription?.stop();
  }

  /** Applies one order event to the deadlines it opens, meets or cancels. */
  async handle(event: CloudEvent): Promise<void> {
    const { store, publisher, rules, calendar, logger } = this.deps;
    const events: CloudEvent[] = [];
    for (const change of planDeadlineChanges(event, rules, calendar)) {
      if (change.action === 'open') {
        // Opened now, it is stored as given; opened before (a replay), the stored one is told again.
        const opened = await store.openDeadline(change.deadline);
        const stored = opened ? { ...change.deadline, status: 'open' as const } : await store.getDeadline(change.deadline.id);
        if (stored) events.push(this.deadlineEvent(EVENT_TYPES.deadlineOpened, stored, event.id));
        continue;
      }
      const status = change.action === 'meet' ? 'met' : 'cancelled';
      const closed = await store.closeDeadline(change.deadlineId, status, change.at, event.id, change.reason);
      // A retry after a crash finds the deadline already closed by this same event: publish again.
      const existing = closed ?? (await store.getDeadline(change.deadlineId));
      if (existing?.status === status && existing.closedBy === event.id) {
        events.push(this.deadlineEvent(status === 'met' ? EVENT_TYPES.deadlineMet : EVENT_TYPES.deadlineCancelled, existing, event.id));
        logger.info({ deadlineId: existing.id, kind: existing.kind, status }, 'deadline closed');
      }
    }
    if (events.length > 0) await publisher.publish(events);
  }

  /**
   * Fires every due timer once: claims a batch, publishes the warning or breach, completes the
   * timer. Returns how many timers fired. Overlapping calls share one sweep.
   */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepAll().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepAll(): Promise<number> {
    const { store, clock, leaseMs, logger } = this.deps;
    const batchSize = this.deps.batchSize ?? 500;
    let fired = 0;
    try {
      for (;;) {
        const claimed = await store.claimDue(clock.now(), batchSize, leaseMs);
        if (claimed.length > 0) fired += await this.fire(claimed);
        if (claimed.length < batchSize) {
          this.deps.health.ok(SWEEP);
          return fired;
        }
      }
    } catch (error) {
      this.deps.health.failing(SWEEP, `deadline sweep failed: ${(error as Error).message}`);
      logger.error({ err: { message: (error as Error).message } }, 'deadline sweep failed; next round retries');
      return fired;
    }
  }

  /** Publishes one batch of warnings and breaches, then completes their timers. */
  private async fire(all: ClaimedTimer[]): Promise<number> {
    const { store, publisher, clock, metrics, logger } = this.deps;
    // A warning whose deadline has already passed (it opened overdue) would arrive next to the
    // breach: it is not sent. Its timer is left to the breach, whose completion removes it.
    const now = clock.now();
    const claimed = all.filter(({ deadline, phase }) => phase === 'due' || deadline.dueAt > now);
    const events = claimed.map(({ deadline, phase }) =>
      phase === 'due'
        ? this.deadlineEvent(EVENT_TYPES.deadlineBreached, { ...deadline, status: 'breached', closedAt: deadline.dueAt })
        : this.deadlineEvent(EVENT_TYPES.deadlineWarning, deadline),
    );
    // Published before completing: a crash in between re-fires with the same event ids.
    await publisher.publish(events);
    // In claim order, so a warning completes before the breach of the same deadline. A breach
    // is dated at the instant the deadline was missed, whenever the sweep saw it.
    const completed: boolean[] = [];
    for (const { deadline, phase } of claimed) completed.push(await store.completeTimer(deadline.id, phase, phase === 'due' ? deadline.dueAt : clock.now()));
    claimed.forEach(({ deadline, phase }, i) => {
      if (!completed[i]) return;
      metrics.deadlineTimers.inc({ kind: deadline.kind, phase });
      const message = phase === 'due' ? 'deadline breached' : 'deadline warning';
      logger.warn({ deadlineId: deadline.id, orderId: deadline.orderId, kind: deadline.kind, rule: deadline.rule, phase, dueAt: iso(deadline.dueAt) }, message);
    });
    return completed.filter(Boolean).length;
  }

  private deadlineEvent(type: (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES], d: Deadline, causationid?: string): CloudEvent {
    return this.deps.publisher.create({
      id: stableId(d.id, type),
      type,
      source: '/brygga/deadlines',
      subject: d.orderId,
      ...(causationid ? { causationid } : {}),
      data: deadlineEventData(d),
    });
  }
}
