// The section leader's monthly report (R-EXEC-3M, routine 002's monthly meeting): decisions not
// executed within three months, per unit, and duplicate active decisions (R-ORDER-ONE-ACTIVE).
// Ids only: no personnummer, birth date or name of any person. Pure: no I/O.
import { isValidIsoDate } from '../calendar/holidays.ts';
import { addMonthsClamped } from '../deadlines/rules.ts';
import { toCsv, type CsvColumn } from './csv.ts';
import { STATUS_LABEL_SV, daysBetween, endDateOf, statesOf, statusAsOf, type OrderState, type OrderStatus } from './order-states.ts';

export interface DecisionRow {
  orderId: string;
  reference: string;
  serviceCode: string;
  caseOfficerId: string;
  decisionDate: string;
  /** R-EXEC-3M: the last allowed day, decision date + 3 months (addMonthsClamped). */
  dueDate: string;
  /** Calendar days from the decision date to asOf, or to the execution / end date. */
  daysWaited: number;
  status: OrderStatus;
  /** True when executed, but after the due date. */
  executedLate: boolean;
  executedDate?: string;
  /** The provider's reason when the client did not start (R-NOT-STARTED). */
  reason?: string;
}

export interface EndedRow extends DecisionRow {
  unit: string;
  /** When the order ended without execution: not-started, closed or execution ended. */
  endedDate: string;
}

export interface UnitDecisions {
  unit: string;
  decisions: DecisionRow[];
}

export interface DuplicateActive {
  clientId: string;
  serviceCode: string;
  /** By decision date; `references[i]` belongs to `orderIds[i]`. */
  orderIds: string[];
  references: string[];
}

export interface SectionLeaderReport {
  asOf: string;
  /** R-EXEC-3M: due date reached, and not executed by it (still open, or executed late). */
  notExecuted: UnitDecisions[];
  /** R-EXEC-3M: ended without execution, but only after the due date had passed. */
  endedWithoutExecution: EndedRow[];
  /** R-ORDER-ONE-ACTIVE: more than one active decision for the same client and service. */
  duplicateActive: DuplicateActive[];
}

const NO_UNIT = '(ingen enhet)';
const ACTIVE: ReadonlySet<OrderStatus> = new Set(['ordered', 'started', 'executed']);
const sv = (a: string, b: string) => a.localeCompare(b, 'sv');

/**
 * The report as of `asOf` ('YYYY-MM-DD', the meeting day). A decision is listed when
 * asOf >= its due date and it was not executed by the due date. Executions and ends dated after
 * asOf are treated as not yet happened: the status shown and the duplicates are as they stood on asOf.
 */
export function sectionLeaderReport(states: ReadonlyMap<string, OrderState> | Iterable<OrderState>, asOf: string): SectionLeaderReport {
  if (!isValidIsoDate(asOf)) throw new RangeError(`asOf: expected YYYY-MM-DD, got '${asOf}'`);
  const all = statesOf(states);
  const byUnit = new Map<string, DecisionRow[]>();
  const ended: EndedRow[] = [];
  for (const state of all) {
    const dueDate = addMonthsClamped(state.decisionDate, 3);
    if (asOf < dueDate) continue;
    const executed = state.executedDate !== undefined && state.executedDate <= asOf ? state.executedDate : undefined;
    if (executed !== undefined && executed <= dueDate) continue;
    const endDate = endDateOf(state);
    const endedBy = endDate !== undefined && endDate <= asOf ? endDate : undefined;
    const base = { orderId: state.orderId, reference: state.reference, serviceCode: state.serviceCode, caseOfficerId: state.caseOfficerId, decisionDate: state.decisionDate, dueDate, status: statusAsOf(state, asOf) ?? state.status };
    const unit = state.unitName ?? NO_UNIT;
    if (executed === undefined && endedBy !== undefined) {
      if (endedBy <= dueDate) continue;
      ended.push({
        ...base, daysWaited: daysBetween(state.decisionDate, endedBy), executedLate: false,
        ...(state.notStartedReason === undefined ? {} : { reason: state.notStartedReason }), unit, endedDate: endedBy,
      });
      continue;
    }
    const row: DecisionRow = executed === undefined
      ? { ...base, daysWaited: daysBetween(state.decisionDate, asOf), executedLate: false }
      : { ...base, daysWaited: daysBetween(state.decisionDate, executed), executedLate: true, executedDate: executed };
    byUnit.set(unit, [...(byUnit.get(unit) ?? []), row]);
  }
  const byDue = (a: DecisionRow, b: DecisionRow) => sv(a.dueDate, b.dueDate) || sv(a.orderId, b.orderId);
  return {
    asOf,
    notExecuted: [...byUnit.entries()].sort(([a], [b]) => sv(a, b)).map(([unit, decisions]) => ({ unit, decisions: decisions.sort(byDue) })),
    endedWithoutExecution: ended.sort((a, b) => sv(a.unit, b.unit) || byDue(a, b)),
    duplicateActive: duplicateActive(all.flatMap((state) => {
      const status = statusAsOf(state, asOf);
      return status === undefined ? [] : [{ ...state, status }];
    })),
  };
}

/** R-ORDER-ONE-ACTIVE: groups of active (not closed, ended or not-started) decisions per client and service. */
export function duplicateActive(states: readonly OrderState[]): DuplicateActive[] {
  const groups = new Map<string, OrderState[]>();
  for (const state of states) {
    if (!ACTIVE.has(state.status)) continue;
    const key = `${state.clientId}\u0000${state.serviceCode}`;
    groups.set(key, [...(groups.get(key) ?? []), state]);
  }
  return [...groups.values()]
    .filter((group) => group.length > 1)
    .map((group) => {
      const sorted = group.sort((a, b) => sv(a.decisionDate, b.decisionDate) || sv(a.orderId, b.orderId));
      return {
        clientId: sorted[0]!.clientId,
        serviceCode: sorted[0]!.serviceCode,
        orderIds: sorted.map((s) => s.orderId),
        references: sorted.map((s) => s.reference),
      };
    })
    .sort((a, b) => sv(a.clientId, b.clientId) || sv(a.serviceCode, b.serviceCode));
}

/** One CSV line per order; `Kategori` says which part of the report it belongs to. */
interface CsvLine {
  category: string;
  unit?: string;
  row?: Partial<EndedRow>;
  orderId: string;
  reference: string;
  serviceCode: string;
  clientId?: string;
}

export const SECTION_LEADER_CATEGORIES = {
  open: 'Ej verkställt inom 3 månader',
  late: 'Verkställt efter 3 månader',
  ended: 'Avslutat utan verkställighet efter 3 månader',
  duplicate: 'Flera aktiva beslut',
} as const;

const COLUMNS: CsvColumn<CsvLine>[] = [
  { header: 'Kategori', value: (l) => l.category },
  { header: 'Enhet', value: (l) => l.unit },
  { header: 'Order-id', value: (l) => l.orderId },
  { header: 'Referens', value: (l) => l.reference },
  { header: 'Insats', value: (l) => l.serviceCode },
  { header: 'Handläggare', value: (l) => l.row?.caseOfficerId },
  { header: 'Beslutsdatum', value: (l) => l.row?.decisionDate },
  { header: 'Förfallodag', value: (l) => l.row?.dueDate },
  { header: 'Dagar väntat', value: (l) => l.row?.daysWaited },
  { header: 'Status', value: (l) => (l.row?.status === undefined ? undefined : STATUS_LABEL_SV[l.row.status]) },
  { header: 'Verkställt', value: (l) => l.row?.executedDate },
  { header: 'Avslutat', value: (l) => l.row?.endedDate },
  { header: 'Orsak', value: (l) => l.row?.reason },
  { header: 'Klient-id', value: (l) => l.clientId },
];

/** The whole report as one CSV (see csv.ts): not executed, ended without execution, duplicates. */
export function sectionLeaderCsv(report: SectionLeaderReport): string {
  const lines: CsvLine[] = [];
  const decisionLine = (category: string, unit: string, row: DecisionRow | EndedRow): CsvLine => ({
    category, unit, row, orderId: row.orderId, reference: row.reference, serviceCode: row.serviceCode,
  });
  for (const { unit, decisions } of report.notExecuted) {
    for (const row of decisions) lines.push(decisionLine(row.executedLate ? SECTION_LEADER_CATEGORIES.late : SECTION_LEADER_CATEGORIES.open, unit, row));
  }
  for (const row of report.endedWithoutExecution) lines.push(decisionLine(SECTION_LEADER_CATEGORIES.ended, row.unit, row));
  for (const group of report.duplicateActive) {
    group.orderIds.forEach((orderId, i) => {
      lines.push({
        category: SECTION_LEADER_CATEGORIES.duplicate, orderId, reference: group.references[i] ?? '', serviceCode: group.serviceCode, clientId: group.clientId,
      });
    });
  }
  return toCsv(lines, COLUMNS);
}

const decisionText = (row: DecisionRow): string =>
  `  ${row.reference} (${row.serviceCode}), beslut ${row.decisionDate}, förfallodag ${row.dueDate}, ${row.daysWaited} dagar, ${STATUS_LABEL_SV[row.status]}` +
  (row.executedDate ? `, verkställt ${row.executedDate}` : '') + `, handläggare ${row.caseOfficerId}`;

/** The report as plain Swedish text for the meeting: one section per category, ids only. */
export function sectionLeaderText(report: SectionLeaderReport): string {
  const lines = [`Sektionsledarens uppföljning per ${report.asOf}.`, '', `${SECTION_LEADER_CATEGORIES.open} (eller verkställt senare):`];
  if (report.notExecuted.length === 0) lines.push('  inga');
  for (const { unit, decisions } of report.notExecuted) {
    lines.push(`${unit}:`);
    for (const row of decisions) lines.push(decisionText(row));
  }
  lines.push('', `${SECTION_LEADER_CATEGORIES.ended}:`);
  if (report.endedWithoutExecution.length === 0) lines.push('  inga');
  for (const row of report.endedWithoutExecution) lines.push(`${decisionText(row)}, ${row.unit}, avslutat ${row.endedDate}${row.reason ? `, orsak: ${row.reason}` : ''}`);
  lines.push('', `${SECTION_LEADER_CATEGORIES.duplicate}:`);
  if (report.duplicateActive.length === 0) lines.push('  inga');
  for (const group of report.duplicateActive) lines.push(`  klient ${group.clientId}, ${group.serviceCode}: ${group.references.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
