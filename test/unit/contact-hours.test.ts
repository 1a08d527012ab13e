// R-CONTACT-HOURS: when a notice to a day centre may go, on the Swedish calendar in Stockholm time.
import { describe, expect, it } from 'vitest';
import { SwedishCalendar } from '../../src/calendar/calendar.ts';
import { EVENT_TYPES, type EventType } from '../../src/canonical/event-types.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { BryggaConfig } from '../../src/config/schema.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import { ContactHours } from '../../src/routing/contact-hours.ts';
import { EXAMPLE_EVENT } from '../../src/canonical/schemas/envelope.ts';

const config = loadConfig(DEFAULT_CONFIG_FILE, {});
const calendar = new SwedishCalendar({ ...config.calendar, timeZone: 'Europe/Stockholm' });

const request = (inboxId: string, type: EventType, kind: 'unit' | 'central' | 'coordinator' | 'fallback' | 'caseOfficer' = 'unit') => ({
  inbox: { inboxId, kind, system: 'lifecare', addressType: 'INKORG' },
  event: { ...EXAMPLE_EVENT, type },
});
const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('contact hours (R-CONTACT-HOURS), default windows 07:00-08:30 and 15:00-16:30 on vardagar', () => {
  const hours = new ContactHours(config, calendar);
  const notice = (inboxId: string, when: string, kind?: Parameters<typeof request>[2]) => iso(hours.firstAttemptAt(request(inboxId, EVENT_TYPES.orderClosed, kind), at(when)));

  it('a notice created at 10:00 on a Tuesday for a day centre goes in the afternoon window', () => {
    expect(notice('unit:dv-stknut', '2026-11-24T10:00:00+01:00')).toBe('2026-11-24T14:00:00.000Z');
    expect(notice('vellinge-dagverksamhet:central', '2026-11-24T10:00:00+01:00', 'central')).toBe('2026-11-24T14:00:00.000Z');
  });

  it('inside a window it goes at once; after the last one, the next vardag morning', () => {
    expect(notice('unit:dv-stknut', '2026-11-24T07:10:00+01:00')).toBe('2026-11-24T06:10:00.000Z');
    expect(notice('unit:dv-stknut', '2026-11-24T06:00:00+01:00')).toBe('2026-11-24T06:00:00.000Z');
    expect(notice('unit:dv-stknut', '2026-11-24T16:30:00+01:00')).toBe('2026-11-25T06:00:00.000Z');
  });

  it('Friday afternoon before Annandag jul on a Monday (2033-12-26) waits for Tuesday morning', () => {
    expect(calendar.holidayOn('2033-12-26')?.name).toMatch(/annandag jul/i);
    expect(notice('unit:dv-manst', '2033-12-23T16:45:00+01:00')).toBe('2033-12-27T06:00:00.000Z');
  });

  it('Skärtorsdag evening over Easter waits for the Tuesday after Annandag påsk, in summer time', () => {
    expect(notice('unit:dv-manst', '2027-03-25T17:00:00+01:00')).toBe('2027-03-30T05:00:00.000Z');
  });

  it('an order goes at once, at any hour and on a holiday', () => {
    for (const type of [EVENT_TYPES.orderPlaced, EVENT_TYPES.orderFollowUp]) {
      expect(iso(hours.firstAttemptAt(request('vellinge-dagverksamhet:central', type, 'central'), at('2033-12-26T11:00:00+01:00')))).toBe('2033-12-26T10:00:00.000Z');
    }
  });

  it('inboxes that are not a day centre\'s take notices at any time', () => {
    expect(notice('vellinge-dagverksamhet:coordinator', '2026-11-24T10:00:00+01:00', 'coordinator')).toBe('2026-11-24T09:00:00.000Z');
    expect(notice('case-officer:lifecare:bih-4711', '2026-11-24T10:00:00+01:00', 'caseOfficer')).toBe('2026-11-24T09:00:00.000Z');
    expect(notice('fee-administrator', '2026-11-24T22:00:00+01:00', 'coordinator')).toBe('2026-11-24T21:00:00.000Z');
  });

  it('Omtankens Hus keeps its own windows in the example configuration (07:00-09:00, 15:30-17:00)', () => {
    expect(notice('unit:dv-omtanken', '2026-11-24T08:45:00+01:00')).toBe('2026-11-24T07:45:00.000Z');
    expect(notice('unit:dv-omtanken', '2026-11-24T15:10:00+01:00')).toBe('2026-11-24T14:30:00.000Z');
  });

  it('a provider outside the configuration, reached at the fax or e-mail its order names, keeps the day-centre windows', () => {
    expect(notice('fallback:UTF-0193', '2026-11-24T10:00:00+01:00', 'fallback')).toBe('2026-11-24T14:00:00.000Z');
  });
});

describe('contact hours configured per destination', () => {
  const custom: BryggaConfig = structuredClone(config);
  custom.contactHours = { dayCentres: ['07:00-08:30', '15:00-16:30'], urgent: [EVENT_TYPES.deadlineWarning] };
  custom.providers[0]!.contactHours = ['13:00-14:00'];
  custom.providers[0]!.units[0]!.contactHours = [];
  custom.calendar.extraDaysOff = ['2026-11-25'];
  const hours = new ContactHours(custom, new SwedishCalendar({ ...custom.calendar, timeZone: 'Europe/Stockholm' }));
  const first = (inboxId: string, type: EventType, when: string) => iso(hours.firstAttemptAt(request(inboxId, type), at(when)));

  it('a provider\'s windows apply to its units unless a unit has its own; an empty list is any time', () => {
    expect(first('unit:dv-postiljonen', EVENT_TYPES.orderClosed, '2026-11-24T10:00:00+01:00')).toBe('2026-11-24T12:00:00.000Z');
    expect(first('unit:dv-stknut', EVENT_TYPES.orderClosed, '2026-11-24T10:00:00+01:00')).toBe('2026-11-24T09:00:00.000Z');
  });

  it('the municipality\'s extra days off are not vardagar', () => {
    expect(first('unit:dv-postiljonen', EVENT_TYPES.orderClosed, '2026-11-24T15:00:00+01:00')).toBe('2026-11-26T12:00:00.000Z');
  });

  it('an event type configured as urgent goes at once', () => {
    expect(first('unit:dv-postiljonen', EVENT_TYPES.deadlineWarning, '2026-11-24T10:00:00+01:00')).toBe('2026-11-24T09:00:00.000Z');
  });
});
