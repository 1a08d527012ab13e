// `brygga deadlines rebuild`: recompute deadline state from the event log and compare it with
// the store (Redis in production), restoring what the store lost.
import { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { settingsFromEnv } from '../config/settings.ts';
import { rebuildDeadlines, type RebuildReport } from '../deadlines/rebuild.ts';
import { createLogger } from '../logger.ts';
import { deadlineSetup, openAdapters } from '../main.ts';

const SHOWN = 20;

function printReport(report: RebuildReport, dryRun: boolean, out: (line: string) => void): void {
  const e = report.expected;
  out(`read ${report.orderEvents} order events and ${report.deadlineEvents} deadline events`);
  out(`the log gives ${e.open + e.met + e.breached + e.cancelled} deadlines: ${e.open} open, ${e.met} met, ${e.breached} breached, ${e.cancelled} cancelled`);
  out(`missing from the store: ${report.missing.length}${dryRun ? ' (dry run: nothing written)' : `, restored: ${report.restored}`}`);
  for (const [title, list] of [['different in the store', report.different], ['in the store but not in the log', report.unexplained]] as const) {
    out(`${title}: ${list.length}`);
    for (const line of list.slice(0, SHOWN)) out(`  ${line}`);
    if (list.length > SHOWN) out(`  … and ${list.length - SHOWN} more`);
  }
}

export function deadlinesCommand(): Command {
  const deadlines = new Command('deadlines').description('deadline state in the store');
  deadlines
    .command('rebuild')
    .description('recompute every deadline from the Kafka topics (or the embedded log), report differences with the store and restore what it lacks')
    .option('--dry-run', 'compare only; write nothing')
    .action(async (options: { dryRun?: boolean }) => {
      const settings = settingsFromEnv(process.env);
      const logger = createLogger({ level: 'warn' });
      const config = loadConfig(settings.configFile, settings.env);
      const { rules, calendar } = deadlineSetup(config);
      const { bus, store } = openAdapters(settings, logger);
      const dryRun = options.dryRun === true;
      try {
        const report = await rebuildDeadlines({ bus, store, rules, calendar, dryRun, progress: (line) => process.stderr.write(`rebuild: ${line}\n`) });
        printReport(report, dryRun, (line) => process.stdout.write(`${line}\n`));
        process.exitCode = report.different.length + report.unexplained.length > 0 ? 1 : 0;
      } finally {
        await bus.close();
        await store.close();
      }
    });
  return deadlines;
}
