// `brygga rebuild`: restore everything derivable (traces, references, clients' orders, order summaries,
// placements, delivery records, deadlines) from the event log into the store.
import { Command } from 'commander';
import { rebuildStore, STORE_KINDS, unresolved, type StoreRebuildReport } from '../rebuild/rebuild.ts';
import { InboxDirectory } from '../routing/inboxes.ts';
import { withStore } from './with-store.ts';

const SHOWN = 20;

function list(title: string, lines: string[], out: (line: string) => void): void {
  if (lines.length === 0) return;
  out(`  ${title}: ${lines.length}`);
  for (const line of lines.slice(0, SHOWN)) out(`    ${line}`);
  if (lines.length > SHOWN) out(`    … and ${lines.length - SHOWN} more`);
}

export function printStoreReport(report: StoreRebuildReport, dryRun: boolean, out: (line: string) => void): void {
  out(`read ${report.records} records${report.unreadable.length > 0 ? `, ${report.unreadable.length} of them not Brygga events this version knows (skipped)` : ''}`);
  list('unreadable', report.unreadable, out);
  const d = report.deadlines;
  const kinds = [
    ...STORE_KINDS.map((name) => ({ name, ...report.kinds[name] })),
    { name: 'deadlines', expected: Object.values(d.expected).reduce((a, b) => a + b, 0), missing: d.missing, restored: d.restored, different: d.different, unexplained: d.unexplained, unrestorable: [] },
  ];
  for (const k of kinds) {
    out(`${k.name}: ${k.expected} in the log, ${k.missing.length} missing from the store${dryRun ? '' : `, ${k.restored} restored`}`);
    if (dryRun) list('missing', k.missing, out);
    list('different in the store', k.different, out);
    list('in the store but not in the log', k.unexplained, out);
    list('missing but not restorable from the log', k.unrestorable, out);
  }
  out(`deliveries requested with no outcome yet: ${report.pending.length}${dryRun ? '' : `, put back on the delivery queue: ${report.requeued}`}`);
  for (const p of report.pending.slice(0, SHOWN)) out(`    ${p.deliveryId}${p.orderId ? ` (order ${p.orderId})` : ''} requested ${p.requestedAt}`);
  if (report.pending.length > SHOWN) out(`    … and ${report.pending.length - SHOWN} more`);
  if (dryRun) out('dry run: nothing written');
}

export function rebuildCommand(): Command {
  return new Command('rebuild')
    .description('restore everything the store holds that the Kafka topics (or the embedded log) give back: traces, references, clients\' orders, order summaries, placements, delivery records and deadlines')
    .option('--dry-run', 'compare only; write nothing')
    .action(async (options: { dryRun?: boolean }) => {
      const dryRun = options.dryRun === true;
      await withStore(async ({ config, rules, calendar, bus, store, progress, out }) => {
        const report = await rebuildStore({ bus, store, rules, calendar, dryRun, directory: new InboxDirectory(config), progress });
        printStoreReport(report, dryRun, out);
        return unresolved(report) > 0 ? 1 : 0;
      });
    });
}
