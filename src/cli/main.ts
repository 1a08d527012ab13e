// The `brygga` command line: `brygga start`, `brygga calendar …`.
import { Command } from 'commander';
import { calendarCommand } from './calendar.ts';
import { deadlinesCommand } from './deadlines.ts';
import { startCommand } from './start.ts';

const program = new Command('brygga')
  .description('Brygga: orders, acknowledgements and deadlines between case officers and providers')
  .showHelpAfterError();
program.addCommand(startCommand());
program.addCommand(calendarCommand());
program.addCommand(deadlinesCommand());

await program.parseAsync(process.argv);
