// When a deadline falls due, from the routines' rules (R-KVITTENS-3VD, R-PLAN-15AD, R-EXEC-3M),
// and the rules file that says which events open, meet and cancel each deadline kind.
// Every due time is the first instant that is too late: 00:00 Stockholm after the last allowed day.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { CountFrom, SwedishCalendar } from '../calendar/calendar.ts';
import { COUNT_FROM_VALUES } from '../calendar/calendar.ts';
import { isValidIsoDate } from '../calendar/holidays.ts';
import { EVENT_TYPES, type EventType } from '../canonical/event-types.ts';
import { BryggaError } from '../errors.ts';

export type DeadlineUnit = 'vardagar' | 'arbetsdagar' | 'months';
/** `calendar` follows the municipality's `calendar.countFrom`; the others fix the count for the rule. */
export type RuleCountFrom = 'calendar' | CountFrom;
/** The opening event's `time`, or a date or time field in its data (falling back to `time` when absent). */
export type DeadlineAnchorSource = 'eventTime' | `data.${string}`;
/** An instant (epoch ms), or a Stockholm calendar date 'YYYY-MM-DD'. */
export type DeadlineAnchor = number | string;

export interface DeadlineRule {
  /** The key in the rules file, e.g. `kvittens`; the store's deadline kind. */
  kind: string;
  /** Routine rule id, e.g. `R-KVITTENS-3VD`. */
  rule: string;
  description: string;
  openedBy: EventType[];
  anchor: DeadlineAnchorSource;
  metBy: EventType[];
  cancelledBy: EventType[];
  length: number;
  unit: DeadlineUnit;
  /** Only for vardagar / arbetsdagar. */
  countFrom: RuleCountFrom;
  /** Warn at 00:00 of the day this many vardagar before the last allowed day (0: that day itself). */
  warnWorkdaysBefore: number;
}

// R-KVITTENS-3VD: three vardagar, counted as the municipality configures (default: from the next day).
export function kvittensDue(registeredAtMs: number, cal: SwedishCalendar): number {
  return cal.endOfDay(cal.lastWorkdayOfPeriod(cal.localDateOf(registeredAtMs), 3));
}

// R-PLAN-15AD: 15 arbetsdagar after the start date; the start date itself never counts.
export function planDue(startDate: string, cal: SwedishCalendar): number {
  return cal.endOfDay(cal.lastWorkdayOfPeriod(startDate, 15, 'next-day'));
}

// R-EXEC-3M: the same day number three months later, or that month's last day.
export function executionDue(decisionDate: string, cal: SwedishCalendar): number {
  return cal.endOfDay(addMonthsClamped(decisionDate, 3));
}

/**
 * 00:00 Stockholm of the day `workdaysBefore` vardagar before the last allowed day of a deadline
 * due at `dueMs`; 0 gives 00:00 of the last allowed day itself. The result may lie before the
 * deadline was opened (a long warning on a short rule): the caller then warns at once.
 */
export function warnAt(dueMs: number, workdaysBefore: number, cal: SwedishCalendar): number {
  if (!Number.isInteger(workdaysBefore) || workdaysBefore < 0) {
    throw new RangeError(`workdaysBefore must be a whole number >= 0, got ${workdaysBefore}`);
  }
  const lastDay = cal.localDateOf(dueMs - 1);
  return cal.startOfDay(workdaysBefore === 0 ? lastDay : cal.subtractWorkdays(lastDay, workdaysBefore));
}

/** When a deadline of this rule, opened at the anchor, is due (epoch ms of the first late instant). */
export function dueFor(rule: DeadlineRule, anchor: DeadlineAnchor, cal: SwedishCalendar): number {
  const date = typeof anchor === 'number' ? cal.localDateOf(anchor) : anchor;
  if (!isValidIsoDate(date)) throw new RangeError(`deadline anchor is not a calendar date (expected YYYY-MM-DD): '${date}'`);
  if (rule.unit === 'months') return cal.endOfDay(addMonthsClamped(date, rule.length));
  const countFrom = rule.countFrom === 'calendar' ? cal.countFrom : rule.countFrom;
  return cal.endOfDay(cal.lastWorkdayOfPeriod(date, rule.length, countFrom));
}

/** The rule's warning instant for a deadline due at `dueMs`. */
export function warnFor(rule: DeadlineRule, dueMs: number, cal: SwedishCalendar): number {
  return warnAt(dueMs, rule.warnWorkdaysBefore, cal);
}

/** The anchor of a deadline from its opening event, as the rule's `anchor` says. */
export function anchorOf(rule: DeadlineRule, event: { time: string; data?: unknown }): DeadlineAnchor {
  if (rule.anchor !== 'eventTime') {
    const field = rule.anchor.slice('data.'.length);
    const data = event.data as Record<string, unknown> | undefined;
    const value = data && typeof data === 'object' ? data[field] : undefined;
    if (value !== undefined && value !== null) {
      if (typeof value === 'string' && isValidIsoDate(value)) return value;
      const ms = typeof value === 'string' && value.includes('T') ? Date.parse(value) : Number.NaN;
      if (Number.isFinite(ms)) return ms;
      const detail = `expected YYYY-MM-DD or an RFC 3339 time for the ${rule.kind} deadline`;
      throw new BryggaError('BRY_INVALID_FIELD', `${rule.anchor}: ${detail}`, [
        { code: 'BRY_INVALID_FIELD', field: rule.anchor, rule: rule.rule, detail },
      ]);
    }
  }
  const ms = Date.parse(event.time);
  if (!event.time.includes('T') || !Number.isFinite(ms)) {
    throw new BryggaError('BRY_INVALID_FIELD', `time: expected an RFC 3339 time for the ${rule.kind} deadline`);
  }
  return ms;
}

/** The date `months` calendar months later; the month's last day when it has no such day number. */
export function addMonthsClamped(isoDate: string, months: number): string {
  if (!isValidIsoDate(isoDate)) throw new RangeError(`not a calendar date (expected YYYY-MM-DD): '${isoDate}'`);
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// --- The rules file ---------------------------------------------------------------------------

const UNITS: readonly DeadlineUnit[] = ['vardagar', 'arbetsdagar', 'months'];
const RULE_COUNT_FROM: readonly RuleCountFrom[] = ['calendar', ...COUNT_FROM_VALUES];
const KNOWN_EVENT_TYPES = new Set<string>(Object.values(EVENT_TYPES));
const FIELDS = [
  'rule', 'description', 'openedBy', 'anchor', 'metBy', 'cancelledBy', 'length', 'unit', 'countFrom', 'warnWorkdaysBefore',
] as const;

/** Reads and validates a deadline rules file; throws BRY_CONFIG_INVALID naming the file, the key and what was expected. */
export function loadDeadlineRules(path: string): DeadlineRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new BryggaError('BRY_CONFIG_INVALID', `${path}: cannot read deadline rules: ${(error as Error).message}`);
  }
  return parseDeadlineRules(text, path);
}

/** Validates the text of a rules file; `file` only names it in errors. */
export function parseDeadlineRules(text: string, file: string): DeadlineRule[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new BryggaError('BRY_CONFIG_INVALID', `${file}: not valid YAML: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const fail: Fail = (key, expected, ...got) => {
    problems.push(`${key}: expected ${expected}${got.length > 0 ? `, got ${describe(got[0])}` : ''}`);
  };
  const rules: DeadlineRule[] = [];
  if (!isRecord(raw)) fail('(top level)', 'a mapping with version and deadlines', raw);
  else {
    if (raw.version !== 1) fail('version', '1', raw.version);
    for (const key of Object.keys(raw)) if (key !== 'version' && key !== 'deadlines') fail(key, 'a known key (version, deadlines)');
    const deadlines = raw.deadlines;
    if (!isRecord(deadlines)) fail('deadlines', 'a mapping of deadline kinds', deadlines);
    else if (Object.keys(deadlines).length === 0) fail('deadlines', 'at least one deadline kind');
    else {
      for (const [kind, body] of Object.entries(deadlines)) {
        const rule = readRule(kind, body, `deadlines.${kind}`, fail);
        if (rule) rules.push(rule);
      }
    }
  }
  if (problems.length > 0) throw new BryggaError('BRY_CONFIG_INVALID', `${file}: ${problems.join('; ')}`);
  return rules;
}

/** Records a problem; a third argument is the value found (undefined: the key is missing). */
type Fail = (key: string, expected: string, ...got: unknown[]) => void;

function readRule(kind: string, body: unknown, at: string, fail: Fail): DeadlineRule | undefined {
  if (!/^[a-z][a-z0-9-]*$/.test(kind)) fail(at, 'a kind name of lower-case letters, digits and dashes');
  if (!isRecord(body)) {
    fail(at, 'a mapping', body);
    return undefined;
  }
  for (const key of Object.keys(body)) {
    if (!(FIELDS as readonly string[]).includes(key)) fail(`${at}.${key}`, `a known key (${FIELDS.join(', ')})`);
  }
  const before = countingFail(fail);
  const rule = str(body.rule, `${at}.rule`, /^R-[A-Z0-9-]+$/, 'a routine rule id like R-KVITTENS-3VD', before.fail);
  const description = body.description === undefined ? '' : str(body.description, `${at}.description`, /^/, 'a string', before.fail);
  const openedBy = events(body.openedBy, `${at}.openedBy`, true, before.fail);
  const metBy = events(body.metBy, `${at}.metBy`, true, before.fail);
  const cancelledBy = body.cancelledBy === undefined ? [] : events(body.cancelledBy, `${at}.cancelledBy`, false, before.fail);
  const anchor = (body.anchor === undefined
    ? 'eventTime'
    : str(body.anchor, `${at}.anchor`, /^(eventTime|data\.[A-Za-z_][A-Za-z0-9_]*)$/, "'eventTime' or 'data.<field>'", before.fail)) as DeadlineAnchorSource;
  const length = int(body.length, `${at}.length`, 1, before.fail);
  const unit = oneOf(body.unit, `${at}.unit`, UNITS, before.fail);
  let countFrom: RuleCountFrom = 'calendar';
  if (body.countFrom !== undefined) {
    if (unit === 'months') before.fail(`${at}.countFrom`, 'no countFrom for a rule counted in months');
    else countFrom = oneOf(body.countFrom, `${at}.countFrom`, RULE_COUNT_FROM, before.fail);
  }
  const warnWorkdaysBefore = body.warnWorkdaysBefore === undefined ? 1 : int(body.warnWorkdaysBefore, `${at}.warnWorkdaysBefore`, 0, before.fail);
  if (before.count() > 0) return undefined;
  return { kind, rule, description, openedBy, anchor, metBy, cancelledBy, length, unit, countFrom, warnWorkdaysBefore };
}

function countingFail(fail: Fail): { fail: Fail; count: () => number } {
  let n = 0;
  return { fail: (k, e, ...g) => { n += 1; fail(k, e, ...g); }, count: () => n };
}

function str(value: unknown, key: string, pattern: RegExp, expected: string, fail: Fail): string {
  if (typeof value !== 'string' || !pattern.test(value)) fail(key, expected, value);
  return typeof value === 'string' ? value : '';
}

function int(value: unknown, key: string, min: number, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(key, `a whole number >= ${min}`, value);
  return typeof value === 'number' ? value : 0;
}

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[], fail: Fail): T {
  if (!allowed.includes(value as T)) fail(key, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

function events(value: unknown, key: string, nonEmpty: boolean, fail: Fail): EventType[] {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
    fail(key, `a ${nonEmpty ? 'non-empty ' : ''}list of event types`, value);
    return [];
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string' || !KNOWN_EVENT_TYPES.has(item)) fail(`${key}[${i}]`, 'an event type from src/canonical/event-types.ts, e.g. se.brygga.order.placed.v1', item);
  });
  return value as EventType[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}
