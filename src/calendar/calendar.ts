// The working-day calendar every deadline is counted on: Swedish vardagar in Europe/Stockholm,
// with a municipality's extra days off. Dates are 'YYYY-MM-DD' strings; instants are epoch ms.
import { DateTime } from 'luxon';
import { BryggaError } from '../errors.ts';
import {
  addDays,
  checkExtraDayOff,
  extraDaysOff,
  isoWeekday,
  isValidIsoDate,
  swedishHolidays,
  type ExtraDayOff,
  type Holiday,
} from './holidays.ts';

/**
 * Where a count of vardagar starts. `next-day` (the default): the day after the opening date is
 * the first candidate. `registration-day`: the opening date is day one when it is a vardag.
 */
export type CountFrom = 'next-day' | 'registration-day';
export const COUNT_FROM_VALUES: readonly CountFrom[] = ['next-day', 'registration-day'];

export interface CalendarConfig {
  /** 'påskafton', 'pingstafton', a date 'YYYY-MM-DD' or a yearly date 'MM-DD'. */
  extraDaysOff?: readonly ExtraDayOff[];
  countFrom: CountFrom;
  timeZone: 'Europe/Stockholm';
}

export const DEFAULT_CALENDAR_CONFIG: CalendarConfig = {
  extraDaysOff: [],
  countFrom: 'next-day',
  timeZone: 'Europe/Stockholm',
};

interface Year {
  list: readonly Holiday[];
  byDate: ReadonlyMap<string, Holiday>;
}

export class SwedishCalendar {
  readonly countFrom: CountFrom;
  readonly timeZone: 'Europe/Stockholm';
  readonly extraDaysOff: readonly string[];
  private readonly years = new Map<number, Year>();
  private readonly midnights = new Map<string, number>();

  /** Throws BRY_CONFIG_INVALID naming the `calendar.*` key when the configuration is wrong. */
  constructor(config: CalendarConfig = DEFAULT_CALENDAR_CONFIG) {
    const problems: string[] = [];
    if (!COUNT_FROM_VALUES.includes(config.countFrom)) {
      problems.push(`calendar.countFrom: expected one of ${COUNT_FROM_VALUES.join(', ')}, got '${String(config.countFrom)}'`);
    }
    if (config.timeZone !== 'Europe/Stockholm') {
      problems.push(`calendar.timeZone: expected 'Europe/Stockholm', got '${String(config.timeZone)}'`);
    }
    const extras = config.extraDaysOff ?? [];
    extras.forEach((entry, i) => {
      const problem = typeof entry === 'string' ? checkExtraDayOff(entry) : 'expected a string';
      if (problem) problems.push(`calendar.extraDaysOff[${i}]: ${problem}`);
    });
    if (problems.length > 0) throw new BryggaError('BRY_CONFIG_INVALID', problems.join('; '));
    this.countFrom = config.countFrom;
    this.timeZone = config.timeZone;
    this.extraDaysOff = [...extras];
  }

  /** Holidays, eves and extra days off of `year`, sorted by date; one entry per date (the statutory one wins). */
  holidays(year: number): readonly Holiday[] {
    return this.year(year).list;
  }

  /** The holiday, eve or extra day off on the date, if any. Ordinary Saturdays and Sundays give undefined. */
  holidayOn(isoDate: string): Holiday | undefined {
    checkDate(isoDate);
    return this.year(Number(isoDate.slice(0, 4))).byDate.get(isoDate);
  }

  /** Monday to Friday and not a holiday, eve or extra day off. */
  isWorkday(isoDate: string): boolean {
    checkDate(isoDate);
    return isoWeekday(isoDate) <= 5 && this.holidayOn(isoDate) === undefined;
  }

  /**
   * The n-th vardag after the date (the date itself never counts), for n >= 1.
   * n = 0 gives the first vardag on or after the date: the date itself when it is a vardag.
   */
  addWorkdays(isoDate: string, n: number): string {
    return this.step(isoDate, n, 1);
  }

  /** The n-th vardag before the date, for n >= 1; n = 0 gives the last vardag on or before it. */
  subtractWorkdays(isoDate: string, n: number): string {
    return this.step(isoDate, n, -1);
  }

  /**
   * The last allowed day of a period of n >= 1 vardagar opened on the date. With `next-day` that
   * is addWorkdays(date, n); with `registration-day` the date is day one when it is a vardag.
   */
  lastWorkdayOfPeriod(isoDate: string, n: number, countFrom: CountFrom = this.countFrom): string {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`a period needs a whole number of vardagar >= 1, got ${n}`);
    if (countFrom === 'registration-day' && this.isWorkday(isoDate)) return this.addWorkdays(isoDate, n - 1);
    return this.addWorkdays(isoDate, n);
  }

  /** The Stockholm calendar date of an instant. */
  localDateOf(epochMs: number): string {
    if (!Number.isFinite(epochMs)) throw new RangeError(`not an instant: ${epochMs}`);
    const date = DateTime.fromMillis(epochMs, { zone: this.timeZone }).toISODate();
    if (date === null) throw new RangeError(`instant ${epochMs} is outside the supported range`);
    return date;
  }

  /** Epoch ms of 00:00 Stockholm time on the date (midnight always exists: DST shifts at 02:00/03:00). */
  startOfDay(isoDate: string): number {
    let start = this.midnights.get(isoDate);
    if (start === undefined) {
      checkDate(isoDate);
      // Every deadline computes a few of these; the zone arithmetic is the costly part.
      start = DateTime.fromISO(isoDate, { zone: this.timeZone }).toMillis();
      this.midnights.set(isoDate, start);
    }
    return start;
  }

  /** The first instant after the date: 00:00 Stockholm of the next day. Deadlines are due at this instant. */
  endOfDay(isoDate: string): number {
    return this.startOfDay(addDays(isoDate, 1));
  }

  private step(isoDate: string, n: number, direction: 1 | -1): string {
    checkDate(isoDate);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`number of vardagar must be a whole number >= 0, got ${n}`);
    let day = isoDate;
    if (n === 0) {
      while (!this.isWorkday(day)) day = addDays(day, direction);
      return day;
    }
    for (let counted = 0; counted < n; ) {
      day = addDays(day, direction);
      if (this.isWorkday(day)) counted += 1;
    }
    return day;
  }

  private year(year: number): Year {
    let entry = this.years.get(year);
    if (!entry) {
      const byDate = new Map<string, Holiday>();
      for (const h of [...swedishHolidays(year), ...extraDaysOff(year, this.extraDaysOff)]) {
        if (!byDate.has(h.date)) byDate.set(h.date, Object.freeze(h));
      }
      const list = Object.freeze([...byDate.values()].sort((a, b) => a.date.localeCompare(b.date)));
      entry = { list, byDate };
      this.years.set(year, entry);
    }
    return entry;
  }
}

function checkDate(isoDate: string): void {
  if (typeof isoDate !== 'string' || !isValidIsoDate(isoDate)) {
    throw new RangeError(`not a calendar date (expected YYYY-MM-DD): '${String(isoDate)}'`);
  }
}
