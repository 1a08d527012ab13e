// `brygga calendar …`: ask the deadline calendar whether a day is a vardag, count vardagar, list a
// year's holidays. Usage errors (bad date, number, option) exit with code 2.
import { Command } from 'commander';
import { COUNT_FROM_VALUES, SwedishCalendar, type CountFrom } from '../calendar/calendar.ts';
import { FIRST_YEAR, isoWeekday, isValidIsoDate, LAST_YEAR } from '../calendar/holidays.ts';

const WEEKDAYS = ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'];
const USAGE_EXIT = 2;

interface CalendarOptions {
  extraDaysOff?: string;
  countFrom?: string;
}

export function calendarCommand(): Command {
  const calendar = new Command('calendar').description(
    'the working-day calendar deadlines are counted on (Swedish vardagar, Europe/Stockholm)',
  );

  withCalendarOptions(calendar.command('is-workday'))
    .description('print true when the date is a vardag (Monday–Friday, not a holiday, eve or extra day off)')
    .argument('<date>', 'YYYY-MM-DD')
    .action((date: string, options: CalendarOptions, command: Command) => {
      const cal = calendarFrom(options, command);
      print(command, String(cal.isWorkday(checkedDate(date, command))));
    });

  withCalendarOptions(calendar.command('add-workdays'), true)
    .description('print the N-th vardag after the date (0: the date itself if a vardag, else the next vardag)')
    .argument('<date>', 'YYYY-MM-DD')
    .argument('<n>', 'number of vardagar, a whole number >= 0')
    .action((date: string, n: string, options: CalendarOptions, command: Command) => {
      const cal = calendarFrom(options, command);
      const from = checkedDate(date, command);
      if (!/^\d{1,5}$/.test(n)) usage(command, `N must be a whole number >= 0, got '${n}'`);
      const count = Number(n);
      // With registration-day the date itself is day one when it is a vardag, as deadlines count.
      const result = cal.countFrom === 'registration-day' && count > 0
        ? cal.lastWorkdayOfPeriod(from, count)
        : cal.addWorkdays(from, count);
      print(command, result);
    });

  withCalendarOptions(calendar.command('holidays'))
    .description("print the year's holidays, eves and extra days off: date, weekday, name, kind")
    .argument('<year>', 'YYYY')
    .action((year: string, options: CalendarOptions, command: Command) => {
      const cal = calendarFrom(options, command);
      const y = Number(year);
      if (!/^\d{4}$/.test(year) || y < FIRST_YEAR || y > LAST_YEAR) {
        usage(command, `year must be ${FIRST_YEAR}–${LAST_YEAR} (YYYY), got '${year}'`);
      }
      const rows = [['datum', 'veckodag', 'namn', 'typ'], ...cal.holidays(y).map((h) => [
        h.date, WEEKDAYS[isoWeekday(h.date) - 1] ?? '', h.name, h.kind,
      ])];
      const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
      print(command, rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n'));
    });

  return calendar;
}

function withCalendarOptions(command: Command, counting = false): Command {
  command.option('--extra-days-off <list>', "comma-separated extra days off: påskafton, pingstafton, YYYY-MM-DD or MM-DD");
  if (counting) {
    command.option('--count-from <mode>', `where the count starts: ${COUNT_FROM_VALUES.join(' | ')}`, 'next-day');
  }
  return command;
}

function calendarFrom(options: CalendarOptions, command: Command): SwedishCalendar {
  const countFrom = options.countFrom ?? 'next-day';
  if (!COUNT_FROM_VALUES.includes(countFrom as CountFrom)) {
    usage(command, `--count-from must be one of ${COUNT_FROM_VALUES.join(', ')}, got '${countFrom}'`);
  }
  const extraDaysOff = (options.extraDaysOff ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  try {
    return new SwedishCalendar({ countFrom: countFrom as CountFrom, extraDaysOff, timeZone: 'Europe/Stockholm' });
  } catch (error) {
    // The calendar names config keys; on the command line they are the --extra-days-off entries.
    return usage(command, `--extra-days-off: ${(error as Error).message.replace(/calendar\.extraDaysOff\[\d+\]: /g, '')}`);
  }
}

function checkedDate(date: string, command: Command): string {
  if (!isValidIsoDate(date)) usage(command, `not a calendar date (expected YYYY-MM-DD): '${date}'`);
  const year = Number(date.slice(0, 4));
  if (year < FIRST_YEAR || year > LAST_YEAR) {
    usage(command, `date must be in ${FIRST_YEAR}–${LAST_YEAR}, the years the holiday rules hold for: '${date}'`);
  }
  return date;
}

function usage(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: USAGE_EXIT, code: 'brygga.calendar.usage' });
}

function print(command: Command, text: string): void {
  const write = command.configureOutput().writeOut ?? ((s: string) => process.stdout.write(s));
  write(`${text}\n`);
}
