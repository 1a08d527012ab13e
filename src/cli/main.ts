// The `brygga` command line: start, calendar, deadlines, rebuild, reports.
import { Command } from 'commander';
import { BryggaError } from '../errors.ts';
import { calendarCommand } from './calendar.ts';
import { deadLettersCommand } from './dead-letters.ts';
import { deadlinesCommand } from './deadlines.ts';
import { rebuildCommand } from './rebuild.ts';
import { reportsCommand } from './reports.ts';
import { reviewCommand } from './review.ts';
import { startCommand } from './start.ts';

const program = new Command('brygga')
  .description('Brygga: orders, acknowledgements and deadlines between case officers and providers')
  .showHelpAfterError();
program.addCommand(startCommand());
program.addCommand(calendarCommand());
program.addCommand(deadlinesCommand());
program.addCommand(deadLettersCommand());
program.addCommand(rebuildCommand());
program.addCommand(reportsCommand());
program.addCommand(reviewCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Known errors (a wrong configuration, a bad argument) get one clear line, not a stack trace.
  if (!(error instanceof BryggaError)) throw error;
  process.stderr.write(`error: ${error.code}: ${error.message}\n`);
  process.exit(error.code === 'BRY_CONFIG_INVALID' ? 78 : 2);
}
