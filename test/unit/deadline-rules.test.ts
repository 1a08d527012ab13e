// Worked examples of the deadline rules. Expected instants are written from the calendar by hand:
// a deadline is due at 00:00 Stockholm after its last allowed day (23:00Z in winter, 22:00Z in summer).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SwedishCalendar, type CalendarConfig } from '../../src/calendar/calendar.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import {
  addMonthsClamped,
  anchorOf,
  dueFor,
  executionDue,
  kvittensDue,
  loadDeadlineRules,
  parseDeadlineRules,
  planDue,
  warnAt,
  warnFor,
  type DeadlineRule,
} from '../../src/deadlines/rules.ts';
import { BryggaError } from '../../src/errors.ts';

const at = (iso: string): number => Date.parse(iso);
const calendar = (config: Partial<CalendarConfig> = {}) =>
  new SwedishCalendar({ countFrom: 'next-day', timeZone: 'Europe/Stockholm', ...config });
const cal = calendar();
const registrationDay = calendar({ countFrom: 'registration-day' });

describe('R-KVITTENS-3VD: three vardagar, counted from the day after registration by default', () => {
  it('R-KVITTENS-3VD Friday order → end of Wednesday', () => {
    // Fri 20 Nov 14:00; Sat, Sun skipped; Mon 23 (1), Tue 24 (2), Wed 25 (3).
    expect(kvittensDue(at('2026-11-20T14:00:00+01:00'), cal)).toBe(at('2026-11-25T23:00:00Z'));
  });

  it('R-KVITTENS-3VD order the day before Ascension → Thursday off, end of Tuesday', () => {
    // Wed 13 May; Thu 14 Kristi himmelsfärdsdag; Fri 15 (1), Mon 18 (2), Tue 19 (3). Summer time.
    expect(kvittensDue(at('2026-05-13T09:00:00+02:00'), cal)).toBe(at('2026-05-19T22:00:00Z'));
  });

  it('R-KVITTENS-3VD a klämdag configured as extra day off moves the deadline a day', () => {
    // Fri 15 May off too: Mon 18 (1), Tue 19 (2), Wed 20 (3).
    const klamdag = calendar({ extraDaysOff: ['2026-05-15'] });
    expect(kvittensDue(at('2026-05-13T09:00:00+02:00'), klamdag)).toBe(at('2026-05-20T22:00:00Z'));
  });

  it('R-KVITTENS-3VD order on 23 December → end of 30 December', () => {
    // 24 julafton, 25 juldagen, 26 Sat, 27 Sun; Mon 28 (1), Tue 29 (2), Wed 30 (3).
    expect(kvittensDue(at('2026-12-23T10:00:00+01:00'), cal)).toBe(at('2026-12-30T23:00:00Z'));
  });

  it('R-KVITTENS-3VD order on 29 December → across New Year to end of 5 January', () => {
    // Wed 30 (1); 31 nyårsafton, 1 Jan nyårsdagen, weekend; Mon 4 (2), Tue 5 (3).
    expect(kvittensDue(at('2026-12-29T10:00:00+01:00'), cal)).toBe(at('2027-01-05T23:00:00Z'));
  });

  it('R-KVITTENS-3VD order on 4 January → trettondedag jul off, end of Friday 8 January', () => {
    // Tue 5 (1); Wed 6 trettondedag jul; Thu 7 (2), Fri 8 (3).
    expect(kvittensDue(at('2027-01-04T10:00:00+01:00'), cal)).toBe(at('2027-01-08T23:00:00Z'));
  });

  it('R-KVITTENS-3VD order on Wednesday of Easter week → end of Wednesday after Easter', () => {
    // Thu 2 Apr (1); Fri 3 Långfredagen, weekend, Mon 6 annandag påsk; Tue 7 (2), Wed 8 (3).
    expect(kvittensDue(at('2026-04-01T11:00:00+02:00'), cal)).toBe(at('2026-04-08T22:00:00Z'));
  });

  it('R-KVITTENS-3VD order on skärtorsdagen (a vardag) → end of Thursday after Easter', () => {
    // Fri 3 and Mon 6 off; Tue 7 (1), Wed 8 (2), Thu 9 (3).
    expect(kvittensDue(at('2026-04-02T11:00:00+02:00'), cal)).toBe(at('2026-04-09T22:00:00Z'));
  });

  it('R-KVITTENS-3VD påskafton as extra day off changes nothing: it is a Saturday', () => {
    const paskafton = calendar({ extraDaysOff: ['påskafton'] });
    expect(paskafton.isWorkday('2026-04-04')).toBe(false);
    expect(kvittensDue(at('2026-04-01T11:00:00+02:00'), paskafton)).toBe(at('2026-04-08T22:00:00Z'));
  });

  it('R-KVITTENS-3VD order in midsummer week → midsommarafton off, end of Wednesday', () => {
    // Thu 18 Jun; Fri 19 midsommarafton; Mon 22 (1), Tue 23 (2), Wed 24 (3).
    expect(kvittensDue(at('2026-06-18T15:00:00+02:00'), cal)).toBe(at('2026-06-24T22:00:00Z'));
  });

  it('R-KVITTENS-3VD order on a Saturday → same as the Friday before: end of Wednesday', () => {
    // Sat 21 Nov; Sun skipped; Mon 23 (1), Tue 24 (2), Wed 25 (3). registration-day: Saturday is no vardag.
    expect(kvittensDue(at('2026-11-21T10:00:00+01:00'), cal)).toBe(at('2026-11-25T23:00:00Z'));
    expect(kvittensDue(at('2026-11-21T10:00:00+01:00'), registrationDay)).toBe(at('2026-11-25T23:00:00Z'));
  });

  it('R-KVITTENS-3VD late at night: the Stockholm date counts, not the UTC date', () => {
    // 2026-11-22T23:30Z is Monday 23 Nov 00:30 in Stockholm: Tue 24 (1), Wed 25 (2), Thu 26 (3).
    expect(kvittensDue(at('2026-11-22T23:30:00Z'), cal)).toBe(at('2026-11-26T23:00:00Z'));
    // One minute before Stockholm midnight in summer is still Tuesday 12 May:
    // Wed 13 (1), Thu 14 off, Fri 15 (2), Mon 18 (3); thirty minutes later it is Wednesday (→ Tue 19).
    expect(kvittensDue(at('2026-05-12T21:59:00Z'), cal)).toBe(at('2026-05-18T22:00:00Z'));
    expect(kvittensDue(at('2026-05-12T22:30:00Z'), cal)).toBe(at('2026-05-19T22:00:00Z'));
  });

  it('R-KVITTENS-3VD across the spring clock change', () => {
    // Wed 25 Mar: Thu 26 (1), Fri 27 (2), Mon 30 (3); summer time began Sun 29.
    expect(kvittensDue(at('2026-03-25T12:00:00+01:00'), cal)).toBe(at('2026-03-30T22:00:00Z'));
  });

  it('R-KVITTENS-3VD registration-day count mode: a vardag of registration is day one', () => {
    // Fri 20 (1), Mon 23 (2), Tue 24 (3).
    expect(kvittensDue(at('2026-11-20T14:00:00+01:00'), registrationDay)).toBe(at('2026-11-24T23:00:00Z'));
    // Wed 1 Apr (1), Thu 2 (2), Tue 7 (3).
    expect(kvittensDue(at('2026-04-01T11:00:00+02:00'), registrationDay)).toBe(at('2026-04-07T22:00:00Z'));
    // Julafton is no vardag: Mon 28 (1), Tue 29 (2), Wed 30 (3).
    expect(kvittensDue(at('2026-12-24T10:00:00+01:00'), registrationDay)).toBe(at('2026-12-30T23:00:00Z'));
  });
});

describe('R-PLAN-15AD: 15 arbetsdagar after the start date (start date not counted)', () => {
  it('R-PLAN-15AD start Monday 14 December → over Christmas to end of Monday 11 January', () => {
    // 15,16,17,18 (1–4), 21,22,23 (5–7), 24/25 off, 28,29,30 (8–10), 31/1 off, 4,5 (11–12), 6 off, 7,8 (13–14), 11 (15).
    expect(planDue('2026-12-14', cal)).toBe(at('2027-01-11T23:00:00Z'));
  });

  it('R-PLAN-15AD start 23 December → end of Wednesday 20 January', () => {
    // 28,29,30 (1–3), 4,5 (4–5), 7,8 (6–7), 11–15 (8–12), 18,19,20 (13–15).
    expect(planDue('2026-12-23', cal)).toBe(at('2027-01-20T23:00:00Z'));
  });

  it('R-PLAN-15AD is not changed by the registration-day setting of the vardag count', () => {
    expect(planDue('2026-12-14', registrationDay)).toBe(at('2027-01-11T23:00:00Z'));
  });
});

describe('R-EXEC-3M: same day number three months later, or that month’s last day', () => {
  it('R-EXEC-3M decision 30 November 2026 → end of 28 February 2027', () => {
    expect(executionDue('2026-11-30', cal)).toBe(at('2027-02-28T23:00:00Z'));
  });

  it('R-EXEC-3M decision 31 August 2027 → end of 30 November 2027', () => {
    expect(executionDue('2027-08-31', cal)).toBe(at('2027-11-30T23:00:00Z'));
  });

  it('R-EXEC-3M decision 30 November 2027 → leap day 29 February 2028', () => {
    expect(executionDue('2027-11-30', cal)).toBe(at('2028-02-29T23:00:00Z'));
  });

  it('R-EXEC-3M due in summer time and on holidays alike: calendar months ignore vardagar', () => {
    expect(executionDue('2026-12-29', cal)).toBe(at('2027-03-29T22:00:00Z'));
    expect(executionDue('2026-09-24', cal)).toBe(at('2026-12-24T23:00:00Z')); // julafton
  });

  it('R-EXEC-3M month arithmetic', () => {
    expect(addMonthsClamped('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonthsClamped('2027-10-31', 1)).toBe('2027-11-30');
    expect(addMonthsClamped('2026-01-15', 12)).toBe('2027-01-15');
    expect(addMonthsClamped('2026-03-31', -1)).toBe('2026-02-28');
  });
});

describe('warnings: 00:00 of the day N vardagar before the last allowed day', () => {
  it('R-KVITTENS-3VD Friday order, last day Wed 25: N=1 → Tue 24, N=2 → Mon 23, N=0 → Wed 25', () => {
    const due = at('2026-11-25T23:00:00Z');
    expect(warnAt(due, 1, cal)).toBe(at('2026-11-23T23:00:00Z'));
    expect(warnAt(due, 2, cal)).toBe(at('2026-11-22T23:00:00Z'));
    expect(warnAt(due, 0, cal)).toBe(at('2026-11-24T23:00:00Z'));
  });

  it('R-KVITTENS-3VD order 23 December, last day 30 December: N=1 → 29th, N=3 skips Christmas → 23rd', () => {
    const due = at('2026-12-30T23:00:00Z');
    expect(warnAt(due, 1, cal)).toBe(at('2026-12-28T23:00:00Z'));
    expect(warnAt(due, 3, cal)).toBe(at('2026-12-22T23:00:00Z'));
  });

  it('R-KVITTENS-3VD warning in winter time for a deadline in summer time', () => {
    // Last day Mon 30 Mar (summer time); 1 vardag before is Fri 27 Mar, 00:00 CET.
    expect(warnAt(at('2026-03-30T22:00:00Z'), 1, cal)).toBe(at('2026-03-26T23:00:00Z'));
  });

  it('R-EXEC-3M last day Sunday 28 February: N=1 → Friday 26, N=0 → the Sunday itself', () => {
    const due = executionDue('2026-11-30', cal);
    expect(warnAt(due, 1, cal)).toBe(at('2027-02-25T23:00:00Z'));
    expect(warnAt(due, 0, cal)).toBe(at('2027-02-27T23:00:00Z'));
  });

  it('R-PLAN-15AD last day Mon 11 January: N=1 → Friday 8 January', () => {
    expect(warnAt(planDue('2026-12-14', cal), 1, cal)).toBe(at('2027-01-07T23:00:00Z'));
  });

  it('refuses a negative offset', () => {
    expect(() => warnAt(at('2026-11-25T23:00:00Z'), -1, cal)).toThrow(RangeError);
  });
});

const RULES_FILE = fileURLToPath(new URL('../../config/deadline-rules.yaml', import.meta.url));

describe('config/deadline-rules.yaml', () => {
  const rules = loadDeadlineRules(RULES_FILE);
  const byKind = Object.fromEntries(rules.map((r) => [r.kind, r])) as Record<string, DeadlineRule>;

  it('lists kvittens, plan and exec3m with their rule ids, events and lengths', () => {
    expect(rules.map((r) => [r.kind, r.rule, r.length, r.unit])).toEqual([
      ['kvittens', 'R-KVITTENS-3VD', 3, 'vardagar'],
      ['plan', 'R-PLAN-15AD', 15, 'arbetsdagar'],
      ['exec3m', 'R-EXEC-3M', 3, 'months'],
    ]);
    expect(byKind.kvittens).toMatchObject({
      openedBy: [EVENT_TYPES.orderPlaced],
      metBy: [EVENT_TYPES.orderAcknowledged, EVENT_TYPES.startConfirmed],
      countFrom: 'calendar',
      warnWorkdaysBefore: 1,
    });
    expect(byKind.plan).toMatchObject({ openedBy: [EVENT_TYPES.orderExecuted], metBy: [EVENT_TYPES.planSubmitted], countFrom: 'next-day' });
    expect(byKind.exec3m).toMatchObject({ openedBy: [EVENT_TYPES.orderPlaced], metBy: [EVENT_TYPES.orderExecuted] });
    for (const rule of rules) {
      expect(rule.cancelledBy.sort()).toEqual([EVENT_TYPES.orderClosed, EVENT_TYPES.orderNotStarted].sort());
    }
  });

  it('R-KVITTENS-3VD R-PLAN-15AD R-EXEC-3M dueFor with the file agrees with the rule functions', () => {
    for (const c of [cal, registrationDay]) {
      const placed = at('2026-11-20T14:00:00+01:00');
      expect(dueFor(byKind.kvittens!, placed, c)).toBe(kvittensDue(placed, c));
      expect(dueFor(byKind.plan!, '2026-12-14', c)).toBe(planDue('2026-12-14', c));
      expect(dueFor(byKind.exec3m!, '2026-11-30', c)).toBe(executionDue('2026-11-30', c));
    }
    expect(dueFor(byKind.kvittens!, at('2026-11-20T14:00:00+01:00'), registrationDay)).toBe(at('2026-11-24T23:00:00Z'));
    expect(warnFor(byKind.kvittens!, at('2026-11-25T23:00:00Z'), cal)).toBe(at('2026-11-23T23:00:00Z'));
  });

  it('R-EXEC-3M R-PLAN-15AD R-KVITTENS-3VD anchorOf reads the anchor field from the event, else the event time', () => {
    const rule = byKind.exec3m!;
    expect(anchorOf(rule, { time: '2026-12-01T08:00:00+01:00', data: { decisionDate: '2026-11-30' } })).toBe('2026-11-30');
    expect(anchorOf(rule, { time: '2026-12-01T08:00:00+01:00', data: {} })).toBe(at('2026-12-01T07:00:00Z'));
    expect(anchorOf(rule, { time: '2026-12-01T08:00:00+01:00', data: { decisionDate: '2026-11-30T23:30:00+01:00' } }))
      .toBe(at('2026-11-30T22:30:00Z'));
    expect(() => anchorOf(rule, { time: '2026-12-01T08:00:00+01:00', data: { decisionDate: '30/11/2026' } })).toThrow(/data\.decisionDate/);
    // R-PLAN-15AD counts from the executed event's date: the first day the client attended.
    expect(anchorOf(byKind.plan!, { time: '2026-12-15T16:00:00+01:00', data: { date: '2026-12-14' } })).toBe('2026-12-14');
    // R-KVITTENS-3VD counts from the registration in the authority's system, else the event time.
    expect(anchorOf(byKind.kvittens!, { time: '2026-11-23T10:00:00+01:00', data: { registeredAt: '2026-11-20T14:00:00+01:00' } }))
      .toBe(at('2026-11-20T13:00:00Z'));
    expect(anchorOf(byKind.kvittens!, { time: '2026-11-20T14:00:00+01:00', data: { decisionDate: '2026-01-01' } }))
      .toBe(at('2026-11-20T13:00:00Z'));
  });
});

describe('rules file validation names the file, the key and what was expected', () => {
  const valid = `version: 1
deadlines:
  kvittens:
    rule: R-KVITTENS-3VD
    openedBy: [se.brygga.order.placed.v1]
    metBy: [se.brygga.order.acknowledged.v1]
    length: 3
    unit: vardagar
`;
  const problem = (text: string): string => {
    try {
      parseDeadlineRules(text, 'rules.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(BryggaError);
      expect((error as BryggaError).code).toBe('BRY_CONFIG_INVALID');
      return (error as Error).message;
    }
    throw new Error('expected the rules to be refused');
  };

  it('fills defaults: anchor eventTime, countFrom calendar, warning 1, no cancelling events', () => {
    expect(parseDeadlineRules(valid, 'rules.yaml')[0]).toMatchObject({
      anchor: 'eventTime', countFrom: 'calendar', warnWorkdaysBefore: 1, cancelledBy: [], description: '',
    });
  });

  it('a wrong unit', () => {
    expect(problem(valid.replace('unit: vardagar', 'unit: weeks'))).toBe(
      'rules.yaml: deadlines.kvittens.unit: expected one of vardagar, arbetsdagar, months, got "weeks"',
    );
  });

  it('an unknown event type', () => {
    expect(problem(valid.replace('order.acknowledged.v1', 'order.acked.v1'))).toMatch(
      /^rules\.yaml: deadlines\.kvittens\.metBy\[0\]: expected an event type .*got "se\.brygga\.order\.acked\.v1"$/,
    );
  });

  it('a missing length, a misspelt key and a bad rule id, all reported at once', () => {
    const message = problem(valid.replace('    length: 3\n', '    lenght: 3\n').replace('R-KVITTENS-3VD', 'kvittens'));
    expect(message).toContain('deadlines.kvittens.lenght: expected a known key');
    expect(message).toContain('deadlines.kvittens.length: expected a whole number >= 1, got nothing');
    expect(message).toContain('deadlines.kvittens.rule: expected a routine rule id like R-KVITTENS-3VD, got "kvittens"');
  });

  it('countFrom on a rule in months', () => {
    expect(problem(valid.replace('unit: vardagar', 'unit: months\n    countFrom: next-day'))).toContain(
      'deadlines.kvittens.countFrom: expected no countFrom for a rule counted in months',
    );
  });

  it('wrong version, no deadlines, invalid YAML and a missing file', () => {
    expect(problem('version: 2\ndeadlines: {}\n')).toBe(
      'rules.yaml: version: expected 1, got 2; deadlines: expected at least one deadline kind',
    );
    expect(problem('version: 1\ndeadlines: [\n')).toMatch(/^rules\.yaml: not valid YAML/);
    expect(() => loadDeadlineRules('no-such-rules.yaml')).toThrow(/^no-such-rules\.yaml: cannot read deadline rules/);
  });
});
