// Produces the reports from the event log on demand, for the HTTP API and the CLI: reads the
// order and provider-report topics, folds them, and renders JSON or CSV.
import type { Bus, ConsumedRecord } from '../bus/bus.ts';
import { fromBusRecord, type CloudEvent } from '../canonical/envelope.ts';
import { TOPICS } from '../canonical/event-types.ts';
import type { BryggaConfig } from '../config/schema.ts';
import { isValidIsoDate } from '../calendar/holidays.ts';
import { BryggaError } from '../errors.ts';
import { evbCsv, evbReport, evbText, quarterBounds } from './evb.ts';
import { foldOrderStates, stockholmDate } from './order-states.ts';
import { compileParticipantLists, participantListCsv, participantListText } from './participant-list.ts';
import { sectionLeaderCsv, sectionLeaderReport, sectionLeaderText } from './section-leader.ts';

export interface RenderedReport {
  json: unknown;
  csv: string;
  /** The report as plain Swedish text. */
  text: string;
  /** File name for a download, without extension. */
  name: string;
}

/** The reports' parameters and what each must be: checked by the HTTP API and the CLI alike. */
export const REPORT_PARAMETERS = {
  asOf: { valid: (v: string) => isValidIsoDate(v), expected: 'a real date YYYY-MM-DD, e.g. 2026-11-30' },
  quarter: { valid: (v: string) => /^\d{4}Q[1-4]$/.test(v), expected: 'YYYYQn with n from 1 to 4, e.g. 2026Q4' },
  month: { valid: (v: string) => /^\d{4}-(0[1-9]|1[0-2])$/.test(v), expected: 'YYYY-MM, e.g. 2026-11' },
} as const;

/** BRY_BAD_REQUEST naming the parameter and what it expects (never echoing the value). */
export function checkReportParameter(name: keyof typeof REPORT_PARAMETERS, value: string): void {
  const parameter = REPORT_PARAMETERS[name];
  if (!parameter.valid(value)) throw new BryggaError('BRY_BAD_REQUEST', `${name}: expected ${parameter.expected}`);
}

const PROGRESS_EVERY = 10_000;

export class ReportService {
  constructor(
    private readonly bus: Bus,
    private readonly config: BryggaConfig,
    /** Epoch ms now: a quarter or month that has not begun is refused. */
    private readonly now: () => number = Date.now,
    /** Told how many records have been read so far, every PROGRESS_EVERY (a long log takes a while). */
    private readonly onProgress?: (recordsRead: number) => void,
  ) {}

  /** A period that has not begun would be an empty report (and a forwarded empty compilation). */
  private refuseFuture(name: 'quarter' | 'month', value: string, firstDay: string): void {
    const today = stockholmDate(new Date(this.now()).toISOString());
    if (firstDay > today) throw new BryggaError('BRY_BAD_REQUEST', `${name}: ${value} has not begun (today is ${today}); ask for a ${name} that has begun`);
  }

  /** Both topics in the order their records were appended. */
  private async events(): Promise<CloudEvent[]> {
    const records: ConsumedRecord[] = [];
    for (const topic of [TOPICS.orderEvents, TOPICS.providerReports]) {
      await this.bus.readAll(topic, (r) => {
        if (records.push(r) % PROGRESS_EVERY === 0) this.onProgress?.(records.length);
      });
    }
    return records.sort((a, b) => a.timestamp - b.timestamp).map((r) => fromBusRecord(r));
  }

  /** R-EXEC-3M, R-ORDER-ONE-ACTIVE: the section leader's monthly review, as of a date. */
  async sectionLeader(asOf: string): Promise<RenderedReport> {
    checkReportParameter('asOf', asOf);
    const report = sectionLeaderReport(foldOrderStates(await this.events()), asOf);
    return { json: report, csv: sectionLeaderCsv(report), text: sectionLeaderText(report), name: `sektionsledare-${asOf}` };
  }

  /** The quarterly report of decisions not executed within three months (EVB, to IVO). */
  async evb(quarter: string): Promise<RenderedReport> {
    checkReportParameter('quarter', quarter);
    this.refuseFuture('quarter', quarter, quarterBounds(quarter).from);
    const rows = evbReport(foldOrderStates(await this.events()), quarter);
    return { json: { quarter, ...quarterBounds(quarter), rows }, csv: evbCsv(rows), text: evbText(quarter, rows), name: `evb-${quarter}` };
  }

  /** R-MONTHLY-LIST: the coordinator's compilation of the day centres' month-end lists. */
  async participantLists(month: string): Promise<RenderedReport> {
    checkReportParameter('month', month);
    this.refuseFuture('month', month, `${month}-01`);
    const units = this.config.providers.flatMap((p) => p.units.map((u) => ({ id: u.id, name: u.name })));
    const report = compileParticipantLists(await this.events(), month, units);
    return { json: report, csv: participantListCsv(report), text: participantListText(report), name: `deltagarlistor-${month}` };
  }
}
