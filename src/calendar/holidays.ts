// Swedish days off for one year: the allmänna helgdagar of lag (1989:253), the three eves that
// lag (1930:173) treats like them, and a municipality's extra days off. Dates are 'YYYY-MM-DD'.

export type HolidayKind = 'helgdag' | 'jämställd' | 'extra';

export interface Holiday {
  date: string;
  name: string;
  /** helgdag: lag 1989:253; jämställd: eve treated as a holiday by lag 1930:173; extra: local config. */
  kind: HolidayKind;
}

/** The movable eves a municipality may give off by name; both always fall on a Saturday. */
export const NAMED_EXTRA_DAYS = ['påskafton', 'pingstafton'] as const;
export type NamedExtraDay = (typeof NAMED_EXTRA_DAYS)[number];
/** A named eve, a single date 'YYYY-MM-DD', or a yearly date 'MM-DD'. */
export type ExtraDayOff = NamedExtraDay | (string & {});

/**
 * Years the rules hold for. Nationaldagen replaced annandag pingst as a holiday in 2005, so
 * earlier years would come out wrong; the upper bound keeps dates four-digit.
 */
export const FIRST_YEAR = 2005;
export const LAST_YEAR = 9999;

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAY = /^(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a valid 'YYYY-MM-DD', or undefined when it is not a real date. */
export function dayNumber(isoDate: string): number | undefined {
  const m = ISO_DATE.exec(isoDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  // Date.UTC maps years 0–99 to 1900+, and rolls 02-30 over to March: both are refused here.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / DAY_MS;
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The date `days` calendar days after (or before, when negative) `isoDate`. */
export function addDays(isoDate: string, days: number): string {
  return fromDayNumber(requireDay(isoDate) + days);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(isoDate: string): number {
  // 1970-01-01 was a Thursday (4).
  return ((((requireDay(isoDate) + 3) % 7) + 7) % 7) + 1;
}

export function isValidIsoDate(isoDate: string): boolean {
  return dayNumber(isoDate) !== undefined;
}

function requireDay(isoDate: string): number {
  const day = dayNumber(isoDate);
  if (day === undefined) throw new RangeError(`not a calendar date (expected YYYY-MM-DD): '${isoDate}'`);
  return day;
}

function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function assertSupportedYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new RangeError(`year ${year} is outside ${FIRST_YEAR}–${LAST_YEAR}, the years the Swedish holiday rules here hold for`);
  }
}

/** Easter Sunday by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(year, month, day);
}

/** The first date in [from, from + 6] that falls on `weekday` (1 = Monday … 7 = Sunday). */
function weekdayOnOrAfter(from: string, weekday: number): string {
  return addDays(from, (weekday - isoWeekday(from) + 7) % 7);
}

/** Statutory holidays and the three eves of one year, sorted by date. Ordinary Sundays are not listed. */
export function swedishHolidays(year: number): Holiday[] {
  assertSupportedYear(year);
  const easter = easterSunday(year);
  const midsommardagen = weekdayOnOrAfter(ymd(year, 6, 20), 6); // Saturday 20–26 June
  const list: Holiday[] = [
    { date: ymd(year, 1, 1), name: 'Nyårsdagen', kind: 'helgdag' },
    { date: ymd(year, 1, 6), name: 'Trettondedag jul', kind: 'helgdag' },
    { date: addDays(easter, -2), name: 'Långfredagen', kind: 'helgdag' },
    { date: easter, name: 'Påskdagen', kind: 'helgdag' },
    { date: addDays(easter, 1), name: 'Annandag påsk', kind: 'helgdag' },
    { date: ymd(year, 5, 1), name: 'Första maj', kind: 'helgdag' },
    { date: addDays(easter, 39), name: 'Kristi himmelsfärdsdag', kind: 'helgdag' },
    { date: addDays(easter, 49), name: 'Pingstdagen', kind: 'helgdag' },
    { date: ymd(year, 6, 6), name: 'Sveriges nationaldag', kind: 'helgdag' },
    { date: addDays(midsommardagen, -1), name: 'Midsommarafton', kind: 'jämställd' },
    { date: midsommardagen, name: 'Midsommardagen', kind: 'helgdag' },
    { date: weekdayOnOrAfter(ymd(year, 10, 31), 6), name: 'Alla helgons dag', kind: 'helgdag' }, // Saturday 31 Oct–6 Nov
    { date: ymd(year, 12, 24), name: 'Julafton', kind: 'jämställd' },
    { date: ymd(year, 12, 25), name: 'Juldagen', kind: 'helgdag' },
    { date: ymd(year, 12, 26), name: 'Annandag jul', kind: 'helgdag' },
    { date: ymd(year, 12, 31), name: 'Nyårsafton', kind: 'jämställd' },
  ];
  return list.sort((x, y) => x.date.localeCompare(y.date));
}

/** Refuses an extra-day entry that is neither a known name, a real 'YYYY-MM-DD' nor a real 'MM-DD'. */
export function checkExtraDayOff(entry: string): string | undefined {
  if ((NAMED_EXTRA_DAYS as readonly string[]).includes(entry)) return undefined;
  if (ISO_DATE.test(entry)) return isValidIsoDate(entry) ? undefined : `'${entry}' is not a calendar date`;
  const md = MONTH_DAY.exec(entry);
  // 2000 is a leap year, so '02-29' is accepted (and applies in leap years only).
  if (md) return isValidIsoDate(`2000-${entry}`) ? undefined : `'${entry}' is not a day of the year`;
  return `'${entry}' is not ${NAMED_EXTRA_DAYS.join(', ')}, YYYY-MM-DD or MM-DD`;
}

/** The extra days off that fall in `year`, as holidays of kind 'extra'. Entries must pass {@link checkExtraDayOff}. */
export function extraDaysOff(year: number, entries: readonly string[]): Holiday[] {
  const easter = easterSunday(year);
  const yyyy = String(year).padStart(4, '0');
  const out: Holiday[] = [];
  for (const entry of entries) {
    if (entry === 'påskafton') out.push({ date: addDays(easter, -1), name: 'Påskafton', kind: 'extra' });
    else if (entry === 'pingstafton') out.push({ date: addDays(easter, 48), name: 'Pingstafton', kind: 'extra' });
    else if (ISO_DATE.test(entry)) {
      if (entry.startsWith(`${yyyy}-`)) out.push({ date: entry, name: 'Extra ledig dag', kind: 'extra' });
    } else if (isValidIsoDate(`${yyyy}-${entry}`)) {
      // '02-29' simply does not occur in common years.
      out.push({ date: `${yyyy}-${entry}`, name: 'Extra ledig dag', kind: 'extra' });
    }
  }
  return out;
}
