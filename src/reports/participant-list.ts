// R-MONTHLY-LIST: the coordinator's compiled report of the day centres' month-end participant
// lists (visitors, queued, vacancies), for the case officers. Pure: no I/O.
import type { CloudEvent } from '../canonical/envelope.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { ParticipantListData } from '../canonical/schemas/reports.ts';
import { toCsv, type CsvColumn } from './csv.ts';

export interface ReportingUnit {
  id: string;
  name: string;
}

export interface ParticipantListRow {
  unitId: string;
  unit: string;
  /** null when the unit sent no list for the month. */
  visitors: number | null;
  queued: number | null;
  vacancies: number | null;
  reported: boolean;
  /** When the winning list was made (its origin.createdAt). */
  sentAt?: string;
}

export interface UnmatchedList {
  /** The unit name as the list gives it. */
  unit: string;
  visitors: number;
  queued: number;
  vacancies: number;
  sentAt: string;
}

export interface ParticipantListReport {
  month: string;
  /** One row per configured unit, in the order given. */
  units: ParticipantListRow[];
  /** Sums over the units that reported. */
  totals: { visitors: number; queued: number; vacancies: number; reportedUnits: number; expectedUnits: number };
  /** Configured units that sent no list for the month. */
  missing: ReportingUnit[];
  /** Lists for the month from units not in the configuration: not in the totals. */
  unmatched: UnmatchedList[];
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Compares unit names: case, spacing and a trailing "dagverksamhet" do not matter. */
function normName(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/ dagverksamhet$/, '');
}

/**
 * Which configured unit a list is from: the list's unit id, else its unit name, else the sending
 * unit's id (sender role unit), else the event subject (the unit, for provider reports).
 */
function unitOf(event: CloudEvent, data: ParticipantListData, units: readonly ReportingUnit[]): ReportingUnit | undefined {
  const byId = (id: string | undefined) => (id === undefined ? undefined : units.find((u) => u.id === id));
  return byId(data.unit.id)
    ?? units.find((u) => normName(u.name) === normName(data.unit.name))
    ?? (data.origin.sender.role === 'unit' ? byId(data.origin.sender.id) : undefined)
    ?? byId(event.subject);
}

/** Later origin.createdAt wins; on a tie, the later in the log (the argument order) wins. */
function isLater(candidate: ParticipantListData, current: ParticipantListData | undefined): boolean {
  return current === undefined || Date.parse(candidate.origin.createdAt) >= Date.parse(current.origin.createdAt);
}

/** The compiled report for `month` ('YYYY-MM') from the participant-list events in log order. */
export function compileParticipantLists(events: Iterable<CloudEvent>, month: string, units: readonly ReportingUnit[]): ParticipantListReport {
  if (!MONTH.test(month)) throw new RangeError(`month: expected YYYY-MM, got '${month}'`);
  const latest = new Map<string, ParticipantListData>();
  const unmatched = new Map<string, ParticipantListData>();
  for (const event of events) {
    if (event.type !== EVENT_TYPES.participantList) continue;
    const data = event.data as ParticipantListData;
    if (data.month !== month) continue;
    const unit = unitOf(event, data, units);
    const [map, key] = unit ? [latest, unit.id] : [unmatched, normName(data.unit.name)];
    if (isLater(data, map.get(key))) map.set(key, data);
  }
  const rows = units.map((u): ParticipantListRow => {
    const list = latest.get(u.id);
    return list
      ? { unitId: u.id, unit: u.name, visitors: list.visitors, queued: list.queued, vacancies: list.vacancies, reported: true, sentAt: list.origin.createdAt }
      : { unitId: u.id, unit: u.name, visitors: null, queued: null, vacancies: null, reported: false };
  });
  const sum = (pick: (r: ParticipantListRow) => number | null) => rows.reduce((n, r) => n + (pick(r) ?? 0), 0);
  return {
    month,
    units: rows,
    totals: {
      visitors: sum((r) => r.visitors),
      queued: sum((r) => r.queued),
      vacancies: sum((r) => r.vacancies),
      reportedUnits: rows.filter((r) => r.reported).length,
      expectedUnits: rows.length,
    },
    missing: units.filter((u) => !latest.has(u.id)).map((u) => ({ id: u.id, name: u.name })),
    unmatched: [...unmatched.values()].map((d) => ({
      unit: d.unit.name, visitors: d.visitors, queued: d.queued, vacancies: d.vacancies, sentAt: d.origin.createdAt,
    })),
  };
}

type CsvRow = ParticipantListRow & { reportedText?: string };
const COLUMNS: CsvColumn<CsvRow>[] = [
  { header: 'Enhet', value: (r) => r.unit },
  { header: 'Besökare', value: (r) => r.visitors },
  { header: 'I kö', value: (r) => r.queued },
  { header: 'Lediga platser', value: (r) => r.vacancies },
  { header: 'Lista inkommen', value: (r) => r.reportedText ?? r.reported },
];

/** One line per configured unit and a last line `Totalt` (see csv.ts). */
export function participantListCsv(report: ParticipantListReport): string {
  const { visitors, queued, vacancies, reportedUnits, expectedUnits } = report.totals;
  const total: CsvRow = {
    unitId: '', unit: 'Totalt', visitors, queued, vacancies, reported: reportedUnits === expectedUnits, reportedText: `${reportedUnits} av ${expectedUnits}`,
  };
  return toCsv([...report.units, total], COLUMNS);
}

const MONTHS_SV = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];

function counts(visitors: number, queued: number, vacancies: number): string {
  return `${visitors} besökare, ${queued} i kö, ${vacancies} ${vacancies === 1 ? 'ledig plats' : 'lediga platser'}`;
}

/** A short Swedish plain-text summary: the body of the message the coordinator forwards to the case officers. */
export function participantListText(report: ParticipantListReport): string {
  const [year, month] = report.month.split('-');
  const lines = [`Sammanställning av deltagarlistor för dagverksamhet, ${MONTHS_SV[Number(month) - 1]} ${year}.`, ''];
  for (const r of report.units) {
    lines.push(r.reported ? `${r.unit}: ${counts(r.visitors ?? 0, r.queued ?? 0, r.vacancies ?? 0)}.` : `${r.unit}: ingen lista har kommit in.`);
  }
  const t = report.totals;
  lines.push('', `Totalt för ${t.reportedUnits} av ${t.expectedUnits} enheter: ${counts(t.visitors, t.queued, t.vacancies)}.`);
  if (report.missing.length > 0) lines.push(`Lista saknas från: ${report.missing.map((u) => u.name).join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
