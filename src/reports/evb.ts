// The quarterly report to IVO of decisions not executed within three months (ej verkställda
// beslut, EVB; R-EXEC-3M), with the closing report (avslutsrapport) of a reported decision once it
// is executed or ends. The person is only a birth date and a made-up suffix, `YYYYMMDD-T123`:
// never the personnummer or its last four digits. Pure: no I/O.
import { createHash } from 'node:crypto';
import { addMonthsClamped } from '../deadlines/rules.ts';
import { toCsv, type CsvColumn } from './csv.ts';
import { daysBetween, endDateOf, statesOf, type OrderState } from './order-states.ts';

export interface EvbRow {
  /** Birth date and made-up suffix, e.g. `19121212-T042`. */
  person: string;
  decisionDate: string;
  /** The service's name, e.g. Dagverksamhet. */
  service: string;
  /** Calendar days from the decision to the quarter's last day, or to the execution / end date in the quarter. */
  daysWaited: number;
  /** The provider's not-started reason when the order ended so within the quarter, else 'Ej verkställt'. */
  reason: string;
  /** Closing report: executed within the quarter (after the due date). */
  executedDate?: string;
  /** Closing report: ended without execution within the quarter (not started, closed). */
  endedDate?: string;
  orderId: string;
}

export const NOT_EXECUTED_REASON = 'Ej verkställt';
const QUARTER = /^(\d{4})Q([1-4])$/;

/** First and last day of a quarter '2026Q4' → { from: '2026-10-01', to: '2026-12-31' }. */
export function quarterBounds(quarter: string): { from: string; to: string } {
  const match = QUARTER.exec(quarter);
  if (!match) throw new RangeError(`quarter: expected YYYYQn (n = 1..4), got '${quarter}'`);
  const year = match[1]!;
  const q = Number(match[2]) - 1;
  return { from: `${year}-${['01-01', '04-01', '07-01', '10-01'][q]}`, to: `${year}-${['03-31', '06-30', '09-30', '12-31'][q]}` };
}

/**
 * The default suffix: `T` and three digits from SHA-256 of the order id. Stable across runs and
 * machines; carries nothing of the personnummer. Two orders may share a suffix (1 in 1000): the
 * order id column tells them apart.
 */
export function evbPseudoSuffix(orderId: string): string {
  const n = createHash('sha256').update(`evb\u001f${orderId}`).digest().readUInt32BE(0) % 1000;
  return `T${String(n).padStart(3, '0')}`;
}

/**
 * Rows for quarter `quarter` ('2026Q4'): every decision whose due date (decision + 3 months) is on
 * or before the quarter's last day, which was neither executed nor ended by its due date, and
 * which was not executed or ended before the quarter's first day. Executions and ends after the
 * quarter are ignored (the decision counts as still waiting at quarter end).
 */
export function evbReport(
  states: ReadonlyMap<string, OrderState> | Iterable<OrderState>,
  quarter: string,
  pseudoSuffix: (orderId: string) => string = evbPseudoSuffix,
): EvbRow[] {
  const { from, to } = quarterBounds(quarter);
  const rows: EvbRow[] = [];
  for (const state of statesOf(states)) {
    const dueDate = addMonthsClamped(state.decisionDate, 3);
    if (dueDate > to) continue;
    const executed = state.executedDate !== undefined && state.executedDate <= to ? state.executedDate : undefined;
    const endDate = endDateOf(state);
    const ended = executed === undefined && endDate !== undefined && endDate <= to ? endDate : undefined;
    const closedOn = executed ?? ended;
    if (closedOn !== undefined && (closedOn <= dueDate || closedOn < from)) continue;
    const suffix = pseudoSuffix(state.orderId);
    if (!/^T\d{3}$/.test(suffix)) throw new RangeError(`pseudoSuffix must give 'T' and three digits, got '${suffix}'`);
    rows.push({
      person: `${state.birthDate.replaceAll('-', '')}-${suffix}`,
      decisionDate: state.decisionDate,
      service: state.serviceName,
      daysWaited: daysBetween(state.decisionDate, closedOn ?? to),
      reason: ended !== undefined && state.notStartedReason !== undefined ? state.notStartedReason : NOT_EXECUTED_REASON,
      ...(executed === undefined ? {} : { executedDate: executed }),
      ...(ended === undefined ? {} : { endedDate: ended }),
      orderId: state.orderId,
    });
  }
  return rows.sort((a, b) => a.decisionDate.localeCompare(b.decisionDate) || a.orderId.localeCompare(b.orderId));
}

const COLUMNS: CsvColumn<EvbRow>[] = [
  { header: 'Person', value: (r) => r.person },
  { header: 'Beslutsdatum', value: (r) => r.decisionDate },
  { header: 'Insats', value: (r) => r.service },
  { header: 'Dagar väntat', value: (r) => r.daysWaited },
  { header: 'Orsak', value: (r) => r.reason },
  { header: 'Verkställt', value: (r) => r.executedDate },
  { header: 'Avslutat', value: (r) => r.endedDate },
  { header: 'Order-id', value: (r) => r.orderId },
];

/** The EVB rows as CSV (see csv.ts). */
export function evbCsv(rows: readonly EvbRow[]): string {
  return toCsv(rows, COLUMNS);
}

/** The EVB rows as plain Swedish text, one line per decision (no personnummer: see EvbRow.person). */
export function evbText(quarter: string, rows: readonly EvbRow[]): string {
  const { from, to } = quarterBounds(quarter);
  const lines = [`Ej verkställda beslut (EVB), kvartal ${quarter} (${from}–${to}): ${rows.length} st.`, ''];
  for (const r of rows) {
    const closing = r.executedDate ? `, verkställt ${r.executedDate}` : r.endedDate ? `, avslutat ${r.endedDate}` : '';
    lines.push(`${r.person}  ${r.service}, beslut ${r.decisionDate}, ${r.daysWaited} dagar, ${r.reason}${closing}  (${r.orderId})`);
  }
  return `${lines.join('\n')}\n`;
}
