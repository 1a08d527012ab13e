// `brygga reports …`: the reports from the event log, as JSON, CSV (for Excel) or text, to
// stdout or a file. With the embedded bus, stop Brygga first or use the HTTP API instead.
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config/load.ts';
import { settingsFromEnv } from '../config/settings.ts';
import { createLogger } from '../logger.ts';
import { openBus } from '../main.ts';
import { stockholmDate } from '../reports/order-states.ts';
import { requireData } from './data-dir.ts';
import { REPORT_PARAMETERS, ReportService, type RenderedReport } from '../reports/service.ts';

interface OutputOptions {
  format: 'json' | 'csv' | 'text';
  out?: string;
}

async function produce(make: (reports: ReportService) => Promise<RenderedReport>, options: OutputOptions): Promise<void> {
  const settings = settingsFromEnv(process.env);
  requireData(settings, ['bus']);
  const bus = openBus(settings, createLogger({ level: 'warn' }));
  try {
    const progress = (read: number) => process.stderr.write(`reports: ${read} records of the log read\n`);
    const report = await make(new ReportService(bus, loadConfig(settings.configFile, settings.env), Date.now, progress));
    const body = options.format === 'csv' ? report.csv : options.format === 'text' ? report.text : `${JSON.stringify(report.json, null, 2)}\n`;
    if (options.out) {
      writeFileSync(options.out, body);
      process.stderr.write(`reports: wrote ${options.out}\n`);
    } else {
      process.stdout.write(body);
    }
  } finally {
    await bus.close();
  }
}

/** Checks an option before anything is opened, with the same rule as the HTTP API. */
const parameter = (name: keyof typeof REPORT_PARAMETERS) => (value: string): string => {
  if (!REPORT_PARAMETERS[name].valid(value)) throw new InvalidArgumentError(`expected ${REPORT_PARAMETERS[name].expected}.`);
  return value;
};

const withOutput = (command: Command): Command =>
  command
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'text']).default('json'))
    .option('--out <file>', 'write to a file instead of stdout');

export function reportsCommand(): Command {
  const reports = new Command('reports').description('reports from the event log (R-EXEC-3M, R-ORDER-ONE-ACTIVE, R-MONTHLY-LIST)');
  withOutput(reports.command('section-leader'))
    .description("the section leader's monthly review: decisions not executed within three months per unit, and duplicate active decisions")
    .option('--as-of <date>', 'YYYY-MM-DD (default: today, Stockholm)', parameter('asOf'))
    .action((options: OutputOptions & { asOf?: string }) =>
      produce((r) => r.sectionLeader(options.asOf ?? stockholmDate(new Date().toISOString())), options),
    );
  withOutput(reports.command('evb'))
    .description('the quarterly report of decisions not executed within three months (no personnummer: birth date and a made-up suffix)')
    .requiredOption('--quarter <quarter>', 'YYYYQn, e.g. 2026Q4', parameter('quarter'))
    .action((options: OutputOptions & { quarter: string }) => produce((r) => r.evb(options.quarter), options));
  withOutput(reports.command('participant-lists'))
    .description("the coordinator's compilation of the day centres' month-end participant lists")
    .requiredOption('--month <month>', 'YYYY-MM', parameter('month'))
    .action((options: OutputOptions & { month: string }) => produce((r) => r.participantLists(options.month), options));
  return reports;
}
