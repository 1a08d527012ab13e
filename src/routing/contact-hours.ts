// R-CONTACT-HOURS: staff at day centres are contacted early in the morning or in the afternoon,
// not while guests are there. A notice to a day centre's inbox (the provider's central or
// fallback inbox, a unit's) waits for the next window on the municipality's vardagar; an order,
// and any event type configured as urgent, goes at once, as does everything to other inboxes.
import { DateTime } from 'luxon';
import type { SwedishCalendar } from '../calendar/calendar.ts';
import type { DeliveryRequestedData } from '../canonical/schemas/index.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { BryggaConfig } from '../config/schema.ts';

/** Events that are orders: they go at once whatever the hour. */
const ORDERS: ReadonlySet<string> = new Set([EVENT_TYPES.orderPlaced, EVENT_TYPES.orderFollowUp]);

/** How far ahead a window is looked for (a long holiday stretch is far shorter). */
const SEARCH_DAYS = 30;

interface Window {
  from: string;
  to: string;
}

const windowsOf = (specs: readonly string[]): Window[] =>
  specs.map((spec) => ({ from: spec.slice(0, 5), to: spec.slice(6, 11) })).sort((a, b) => a.from.localeCompare(b.from));

export class ContactHours {
  /** Windows by inbox id; an inbox not here (or with no windows) takes deliveries at any time. */
  private readonly byInbox = new Map<string, Window[]>();
  private readonly dayCentres: Window[];
  private readonly urgent: ReadonlySet<string>;

  constructor(
    config: Pick<BryggaConfig, 'contactHours' | 'providers'>,
    private readonly calendar: SwedishCalendar,
  ) {
    this.dayCentres = windowsOf(config.contactHours.dayCentres);
    this.urgent = new Set(config.contactHours.urgent);
    for (const provider of config.providers) {
      const own = provider.contactHours ? windowsOf(provider.contactHours) : this.dayCentres;
      this.byInbox.set(`${provider.id}:central`, own);
      this.byInbox.set(`${provider.id}:fallback`, own);
      for (const unit of provider.units) this.byInbox.set(`unit:${unit.id}`, unit.contactHours ? windowsOf(unit.contactHours) : own);
    }
  }

  /** When the first attempt of the delivery may be made: `now`, or the opening of the next window. */
  firstAttemptAt(request: Pick<DeliveryRequestedData, 'inbox' | 'event'>, now: number): number {
    if (ORDERS.has(request.event.type) || this.urgent.has(request.event.type)) return now;
    const windows = this.windowsOf(request.inbox);
    return windows.length === 0 ? now : this.nextOpening(windows, now);
  }

  private windowsOf(inbox: DeliveryRequestedData['inbox']): Window[] {
    const configured = this.byInbox.get(inbox.inboxId);
    if (configured) return configured;
    // A provider outside the configuration, named by the order itself (its fax or e-mail).
    return inbox.kind === 'fallback' ? this.dayCentres : [];
  }

  /** `now` when inside a window of a vardag, else the start of the next one. */
  private nextOpening(windows: Window[], now: number): number {
    const zone = this.calendar.timeZone;
    let day = DateTime.fromMillis(now, { zone }).startOf('day');
    for (let i = 0; i <= SEARCH_DAYS; i++, day = day.plus({ days: 1 })) {
      const date = day.toISODate()!;
      if (!this.calendar.isWorkday(date)) continue;
      for (const window of windows) {
        const opens = DateTime.fromISO(`${date}T${window.from}`, { zone }).toMillis();
        const closes = DateTime.fromISO(`${date}T${window.to}`, { zone }).toMillis();
        if (now < opens) return opens;
        if (now < closes) return now;
      }
    }
    return now;
  }
}
