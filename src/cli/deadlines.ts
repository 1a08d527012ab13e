// `brygga deadlines rebuild`: recompute deadline state from the event log and compare it with
// the store (Redis in production), restoring what the store lost.
import { Command } from 'commander';
import { rebuildDeadlines, type RebuildReport } from '../deadlines/rebuild.ts';
import { withStore } from './with-store.ts';

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
      const dryRun = options.dryRun === true;
      await withStore(async ({ rules, calendar, bus, store, progress, out }) => {
        const report = await rebuildDeadlines({ bus, store, rules, calendar, dryRun, progress });
        printReport(report, dryRun, out);
        return report.different.length + report.unexplained.length > 0 ? 1 : 0;
      });
    });
  return deadlines;
}
