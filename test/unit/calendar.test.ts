// The Swedish working-day calendar: holidays 2025–2035 against an independently written table,
// the holiday weeks, the vardag count, and Stockholm day boundaries across summer time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SwedishCalendar } from '../../src/calendar/calendar.ts';
import { easterSunday } from '../../src/calendar/holidays.ts';
import { BryggaError } from '../../src/errors.ts';

// --- The expectation, written without the code under test ----------------------------------

// Easter Sunday from the almanac.
const EASTER: Record<number, string> = {
  2025: '2025-04-20', 2026: '2026-04-05', 2027: '2027-03-28', 2028: '2028-04-16', 2029: '2029-04-01',
  2030: '2030-04-21', 2031: '2031-04-13', 2032: '2032-03-28', 2033: '2033-04-17', 2034: '2034-04-09',
  2035: '2035-03-25',
};
// Midsommarafton (Friday 19–25 June), midsommardagen (Saturday 20–26 June), alla helgons dag
// (Saturday 31 October–6 November), read off a perpetual calendar.
const MIDSOMMAR_AND_ALLA_HELGON: Record<number, [string, string, string]> = {
  2025: ['2025-06-20', '2025-06-21', '2025-11-01'],
  2026: ['2026-06-19', '2026-06-20', '2026-10-31'],
  2027: ['2027-06-25', '2027-06-26', '2027-11-06'],
  2028: ['2028-06-23', '2028-06-24', '2028-11-04'],
  2029: ['2029-06-22', '2029-06-23', '2029-11-03'],
  2030: ['2030-06-21', '2030-06-22', '2030-11-02'],
  2031: ['2031-06-20', '2031-06-21', '2031-11-01'],
  2032: ['2032-06-25', '2032-06-26', '2032-11-06'],
  2033: ['2033-06-24', '2033-06-25', '2033-11-05'],
  2034: ['2034-06-23', '2034-06-24', '2034-11-04'],
  2035: ['2035-06-22', '2035-06-23', '2035-11-03'],
};

const DAY = 86_400_000;
const plus = (iso: string, days: number): string => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const weekdayOf = (iso: string): number => new Date(`${iso}T00:00:00Z`).getUTCDay(); // 0 = Sunday

function expectedHolidays(year: number): { date: string; name: string; kind: string }[] {
  const easter = EASTER[year]!;
  const [afton, dagen, allaHelgon] = MIDSOMMAR_AND_ALLA_HELGON[year]!;
  return [
    { date: `${year}-01-01`, name: 'Nyårsdagen', kind: 'helgdag' },
    { date: `${year}-01-06`, name: 'Trettondedag jul', kind: 'helgdag' },
    { date: plus(easter, -2), name: 'Långfredagen', kind: 'helgdag' },
    { date: easter, name: 'Påskdagen', kind: 'helgdag' },
    { date: plus(easter, 1), name: 'Annandag påsk', kind: 'helgdag' },
    { date: `${year}-05-01`, name: 'Första maj', kind: 'helgdag' },
    { date: plus(easter, 39), name: 'Kristi himmelsfärdsdag', kind: 'helgdag' },
    { date: plus(easter, 49), name: 'Pingstdagen', kind: 'helgdag' },
    { date: `${year}-06-06`, name: 'Sveriges nationaldag', kind: 'helgdag' },
    { date: afton, name: 'Midsommarafton', kind: 'jämställd' },
    { date: dagen, name: 'Midsommardagen', kind: 'helgdag' },
    { date: allaHelgon, name: 'Alla helgons dag', kind: 'helgdag' },
    { date: `${year}-12-24`, name: 'Julafton', kind: 'jämställd' },
    { date: `${year}-12-25`, name: 'Juldagen', kind: 'helgdag' },
    { date: `${year}-12-26`, name: 'Annandag jul', kind: 'helgdag' },
    { date: `${year}-12-31`, name: 'Nyårsafton', kind: 'jämställd' },
  ].sort((a, b) => a.date.localeCompare(b.date));
}

const YEARS = Object.keys(EASTER).map(Number);
const cal = new SwedishCalendar();

describe('Swedish holidays 2025–2035 (lag 1989:253 and the eves of lag 1930:173)', () => {
  it.each(YEARS)('Easter Sunday %i is the almanac date', (year) => {
    expect(easterSunday(year)).toBe(EASTER[year]);
  });

  it('Easter Sunday on known dates outside the table, including the earliest and latest possible', () => {
    expect(easterSunday(2005)).toBe('2005-03-27');
    expect(easterSunday(2008)).toBe('2008-03-23');
    expect(easterSunday(2011)).toBe('2011-04-24');
    expect(easterSunday(2038)).toBe('2038-04-25');
    expect(easterSunday(2285)).toBe('2285-03-22');
  });

  it.each(YEARS)('every holiday of %i, with its Swedish name and kind', (year) => {
    expect(cal.holidays(year)).toEqual(expectedHolidays(year));
  });

  it('movable feasts of 2026 as printed in the almanac', () => {
    const names = Object.fromEntries(cal.holidays(2026).map((h) => [h.name, h.date]));
    expect(names).toMatchObject({
      Långfredagen: '2026-04-03', 'Annandag påsk': '2026-04-06', 'Kristi himmelsfärdsdag': '2026-05-14',
      Pingstdagen: '2026-05-24', Midsommarafton: '2026-06-19', 'Alla helgons dag': '2026-10-31',
    });
  });

  it.each(YEARS)('midsommar and alla helgons dag %i fall on the right weekdays and windows', (year) => {
    const [afton, dagen, allaHelgon] = MIDSOMMAR_AND_ALLA_HELGON[year]!;
    expect(weekdayOf(afton)).toBe(5);
    expect(weekdayOf(dagen)).toBe(6);
    expect(weekdayOf(allaHelgon)).toBe(6);
    expect(dagen >= `${year}-06-20` && dagen <= `${year}-06-26`).toBe(true);
    expect(allaHelgon >= `${year}-10-31` && allaHelgon <= `${year}-11-06`).toBe(true);
    expect(cal.isWorkday(afton)).toBe(false);
  });

  it.each(YEARS)('every day of the holiday weeks of %i (Easter, Ascension, midsummer, Christmas to Epiphany)', (year) => {
    const nextYear = EASTER[year + 1] ? expectedHolidays(year + 1) : [];
    const off = new Set([...expectedHolidays(year), ...nextYear].map((h) => h.date));
    const expectedWorkday = (iso: string) => weekdayOf(iso) >= 1 && weekdayOf(iso) <= 5 && !off.has(iso);
    const easter = EASTER[year]!;
    const ranges: [string, number][] = [
      [plus(easter, -6), 14], // Monday of holy week to the Sunday after
      [plus(easter, 39 - 3), 7], // Ascension week
      [plus(MIDSOMMAR_AND_ALLA_HELGON[year]![0], -4), 7], // midsummer week
      [`${year}-12-20`, EASTER[year + 1] ? 20 : 12], // Christmas to Epiphany (2035: to New Year's Eve)
    ];
    for (const [from, days] of ranges) {
      for (let i = 0; i < days; i += 1) {
        const day = plus(from, i);
        expect(cal.isWorkday(day), day).toBe(expectedWorkday(day));
      }
    }
  });

  it('the holiday weeks of 2026, day by day (1 = vardag)', () => {
    const pattern = (from: string, days: number) =>
      Array.from({ length: days }, (_, i) => (cal.isWorkday(plus(from, i)) ? '1' : '0')).join('');
    expect(pattern('2026-03-30', 14)).toBe('11110000111100'); // Långfredagen 3/4, annandag påsk 6/4
    expect(pattern('2026-05-11', 7)).toBe('1110100'); // Kristi himmelsfärdsdag 14/5
    expect(pattern('2026-06-15', 7)).toBe('1111000'); // midsommarafton 19/6
    expect(pattern('2026-12-21', 21)).toBe('111000011100001101100'); // 24, 25, 31/12, 1/1, 6/1
    expect(pattern('2025-06-02', 7)).toBe('1111000'); // nationaldagen on a Friday
  });

  it('ordinary weekends are not workdays and not listed as holidays', () => {
    expect(cal.isWorkday('2026-11-21')).toBe(false);
    expect(cal.isWorkday('2026-11-22')).toBe(false);
    expect(cal.holidayOn('2026-11-22')).toBeUndefined();
    expect(cal.holidayOn('2026-12-24')).toEqual({ date: '2026-12-24', name: 'Julafton', kind: 'jämställd' });
  });

  it('caches each year', () => {
    expect(cal.holidays(2026)).toBe(cal.holidays(2026));
  });
});

describe('extra days off (per-municipality configuration)', () => {
  it('påskafton and pingstafton are listed as extra; both are Saturdays, so no vardag changes', () => {
    const extra = new SwedishCalendar({ countFrom: 'next-day', timeZone: 'Europe/Stockholm', extraDaysOff: ['påskafton', 'pingstafton'] });
    const extras = extra.holidays(2026).filter((h) => h.kind === 'extra');
    expect(extras).toEqual([
      { date: '2026-04-04', name: 'Påskafton', kind: 'extra' },
      { date: '2026-05-23', name: 'Pingstafton', kind: 'extra' },
    ]);
    expect(extra.addWorkdays('2026-04-01', 3)).toBe(cal.addWorkdays('2026-04-01', 3));
  });

  it('a single date and a yearly MM-DD date are days off; a statutory holiday keeps its own entry', () => {
    const extra = new SwedishCalendar({
      countFrom: 'next-day', timeZone: 'Europe/Stockholm', extraDaysOff: ['2026-05-15', '12-23', '12-24'],
    });
    expect(extra.isWorkday('2026-05-15')).toBe(false);
    expect(extra.isWorkday('2027-05-14')).toBe(true); // the single date does not repeat
    expect(extra.isWorkday('2026-12-23')).toBe(false);
    expect(extra.isWorkday('2027-12-23')).toBe(false);
    expect(extra.holidayOn('2026-12-24')?.kind).toBe('jämställd');
    expect(extra.holidays(2026).filter((h) => h.date === '2026-12-24')).toHaveLength(1);
  });

  it('a wrong entry is refused at construction, naming the config key', () => {
    const make = (extraDaysOff: string[]) => () => new SwedishCalendar({ countFrom: 'next-day', timeZone: 'Europe/Stockholm', extraDaysOff });
    expect(make(['påskafton', '2026-02-30'])).toThrow(/calendar\.extraDaysOff\[1\]: '2026-02-30' is not a calendar date/);
    expect(make(['13-01'])).toThrow(/calendar\.extraDaysOff\[0\]/);
    expect(make(['skärtorsdag'])).toThrow(BryggaError);
    expect(() => new SwedishCalendar({ countFrom: 'day-after' as never, timeZone: 'Europe/Stockholm' })).toThrow(/calendar\.countFrom/);
  });
});

describe('counting vardagar', () => {
  it('addWorkdays: the n-th vardag after the date; 0 gives the date itself or the next vardag', () => {
    expect(cal.addWorkdays('2026-11-20', 1)).toBe('2026-11-23');
    expect(cal.addWorkdays('2026-11-20', 3)).toBe('2026-11-25');
    expect(cal.addWorkdays('2026-11-20', 0)).toBe('2026-11-20');
    expect(cal.addWorkdays('2026-11-21', 0)).toBe('2026-11-23');
    expect(cal.addWorkdays('2026-12-23', 1)).toBe('2026-12-28');
    expect(cal.subtractWorkdays('2026-12-28', 1)).toBe('2026-12-23');
    expect(cal.subtractWorkdays('2027-02-28', 0)).toBe('2027-02-26');
  });

  it('lastWorkdayOfPeriod: registration-day counts the date as day one only when it is a vardag', () => {
    expect(cal.lastWorkdayOfPeriod('2026-11-20', 3, 'next-day')).toBe('2026-11-25');
    expect(cal.lastWorkdayOfPeriod('2026-11-20', 3, 'registration-day')).toBe('2026-11-24');
    expect(cal.lastWorkdayOfPeriod('2026-11-21', 3, 'registration-day')).toBe('2026-11-25');
    expect(cal.lastWorkdayOfPeriod('2026-12-24', 1, 'registration-day')).toBe('2026-12-28');
  });

  it('refuses bad input', () => {
    expect(() => cal.addWorkdays('2026-02-29', 1)).toThrow(RangeError);
    expect(() => cal.addWorkdays('2026-11-20', -1)).toThrow(RangeError);
    expect(() => cal.addWorkdays('2026-11-20', 1.5)).toThrow(RangeError);
    expect(() => cal.isWorkday('20261120')).toThrow(RangeError);
    expect(() => cal.holidays(2004)).toThrow(/2005/);
  });

  const calendars = [cal, new SwedishCalendar({ countFrom: 'next-day', timeZone: 'Europe/Stockholm', extraDaysOff: ['2026-05-15', '12-23', 'påskafton'] })];
  const dates = fc.integer({ min: Date.UTC(2005, 0, 1) / DAY, max: Date.UTC(2099, 11, 1) / DAY }).map((d) => new Date(d * DAY).toISOString().slice(0, 10));
  const workdaysStrictlyBetween = (c: SwedishCalendar, a: string, b: string): number => {
    let n = 0;
    for (let d = plus(a, 1); d < b; d = plus(d, 1)) if (c.isWorkday(d)) n += 1;
    return n;
  };

  it('property: addWorkdays(d, n) is a vardag after d with exactly n-1 vardagar strictly between', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 40 }), fc.constantFrom(...calendars), (d, n, c) => {
        const result = c.addWorkdays(d, n);
        return c.isWorkday(result) && result > d && workdaysStrictlyBetween(c, d, result) === n - 1;
      }),
      { numRuns: 500 },
    );
  });

  it('property: addWorkdays(d, 0) is the first vardag on or after d', () => {
    fc.assert(
      fc.property(dates, fc.constantFrom(...calendars), (d, c) => {
        const result = c.addWorkdays(d, 0);
        return c.isWorkday(result) && result >= d && workdaysStrictlyBetween(c, plus(d, -1), result) === 0;
      }),
      { numRuns: 300 },
    );
  });

  it('property: subtractWorkdays undoes addWorkdays from a vardag', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 1, max: 40 }), (d, n) => {
        const start = cal.addWorkdays(d, 0);
        return cal.subtractWorkdays(cal.addWorkdays(start, n), n) === start;
      }),
      { numRuns: 300 },
    );
  });
});

describe('Stockholm days and summer time', () => {
  it('startOfDay on the last Sunday of March (23-hour day) and of October (25-hour day)', () => {
    expect(cal.startOfDay('2026-03-29')).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(cal.startOfDay('2026-03-30')).toBe(Date.parse('2026-03-29T22:00:00Z'));
    expect(cal.endOfDay('2026-03-29') - cal.startOfDay('2026-03-29')).toBe(23 * 3_600_000);
    expect(cal.startOfDay('2026-10-25')).toBe(Date.parse('2026-10-24T22:00:00Z'));
    expect(cal.startOfDay('2026-10-26')).toBe(Date.parse('2026-10-25T23:00:00Z'));
    expect(cal.endOfDay('2026-10-25') - cal.startOfDay('2026-10-25')).toBe(25 * 3_600_000);
    expect(cal.startOfDay('2027-03-28')).toBe(Date.parse('2027-03-27T23:00:00Z')); // also Påskdagen
    expect(cal.startOfDay('2027-10-31')).toBe(Date.parse('2027-10-30T22:00:00Z'));
  });

  it('localDateOf gives the Stockholm date, not the UTC date', () => {
    expect(cal.localDateOf(Date.parse('2026-11-22T23:30:00Z'))).toBe('2026-11-23');
    expect(cal.localDateOf(Date.parse('2026-11-22T22:59:59.999Z'))).toBe('2026-11-22');
    expect(cal.localDateOf(Date.parse('2026-05-12T22:00:00Z'))).toBe('2026-05-13');
    expect(cal.localDateOf(Date.parse('2026-05-12T21:59:59.999Z'))).toBe('2026-05-12');
    expect(cal.localDateOf(Date.parse('2026-03-29T00:59:59Z'))).toBe('2026-03-29');
    expect(cal.localDateOf(Date.parse('2026-10-24T21:59:59.999Z'))).toBe('2026-10-24');
    expect(cal.localDateOf(Date.parse('2026-10-24T22:00:00Z'))).toBe('2026-10-25');
  });

  it('property: startOfDay and localDateOf agree on both edges of every day', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2005, 0, 1) / DAY, max: Date.UTC(2099, 11, 1) / DAY }), (n) => {
        const d = new Date(n * DAY).toISOString().slice(0, 10);
        return cal.localDateOf(cal.startOfDay(d)) === d && cal.localDateOf(cal.endOfDay(d) - 1) === d;
      }),
      { numRuns: 500 },
    );
  });
});
