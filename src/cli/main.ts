// The `brygga` command line: start, calendar, deadlines, dead letters, orders, rebuild, reports, review.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { BryggaError, type ErrorCode } from '../errors.ts';
import { calendarCommand } from './calendar.ts';
import { deadLettersCommand } from './dead-letters.ts';
import { deadlinesCommand } from './deadlines.ts';
import { ordersCommand } from './orders.ts';
import { rebuildCommand } from './rebuild.ts';
import { reportsCommand } from './reports.ts';
import { reviewCommand } from './review.ts';
import { startCommand } from './start.ts';

const program = new Command('brygga')
  .description('Brygga: orders, acknowledgements and deadlines between case officers and providers')
  .version((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version, '-V, --version')
  .showHelpAfterError();
program.addCommand(startCommand());
program.addCommand(calendarCommand());
program.addCommand(deadlinesCommand());
program.addCommand(deadLettersCommand());
program.addCommand(ordersCommand());
program.addCommand(rebuildCommand());
program.addCommand(reportsCommand());
program.addCommand(reviewCommand());

/** sysexits: 78 a configuration to fix, 70 a bug, 2 anything else the user can act on. */
const EXIT: Partial<Record<ErrorCode, number>> = { BRY_CONFIG_INVALID: 78, BRY_AUTH_NOT_CONFIGURED: 78, BRY_INTERNAL: 70 };

try {
  await program.parseAsync(process.argv);
} catch (caught) {
  // Every error is one line with a stable code, never a stack trace (that only with LOG_LEVEL=debug).
  const error = caught instanceof BryggaError ? caught : new BryggaError('BRY_INTERNAL', (caught as Error)?.message ?? String(caught), [], { cause: caught });
  process.stderr.write(`error: ${error.code}: ${error.message}\n`);
  if (error.code === 'BRY_INTERNAL' && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${(caught as Error)?.stack ?? ''}\n`);
  process.exit(EXIT[error.code] ?? 2);
}
