// GET /api/deadlines: the deadlines of one status, soonest due first, narrowed by kind, unit,
// case officer and due time, a page at a time. The cursor is the (due time, id) of the last
// deadline of a page, so a page never repeats or skips one while deadlines come and go.
import { BryggaError } from '../errors.ts';
import type { OrderRegistry } from '../routing/order-registry.ts';
import type { Deadline, DeadlineStatus, DeadlineStore } from '../store/store.ts';

export interface DeadlineFilter {
  status: DeadlineStatus;
  kind?: string;
  /** The unit id (configuration) the order is placed with. */
  unitId?: string;
  caseOfficerId?: string;
  /** Epoch ms: only deadlines due before it. */
  dueBefore?: number;
  limit: number;
  cursor?: string;
}

export interface DeadlinePage {
  deadlines: Deadline[];
  /** How many match the filter (among the first SCAN_LIMIT of the status). */
  total: number;
  nextCursor?: string;
}

/** The most deadlines of one status a query looks at; beyond it, narrow by due time. */
export const SCAN_LIMIT = 10_000;

export async function queryDeadlines(deps: { store: DeadlineStore; registry: OrderRegistry }, filter: DeadlineFilter): Promise<DeadlinePage> {
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  const unitOf = new Map<string, string | undefined>();
  const matches: Deadline[] = [];
  for (const deadline of await deps.store.listDeadlines(filter.status, SCAN_LIMIT)) {
    if (filter.kind !== undefined && deadline.kind !== filter.kind) continue;
    if (filter.caseOfficerId !== undefined && deadline.context.caseOfficerId !== filter.caseOfficerId) continue;
    if (filter.dueBefore !== undefined && deadline.dueAt >= filter.dueBefore) continue;
    if (filter.unitId !== undefined) {
      if (!unitOf.has(deadline.orderId)) unitOf.set(deadline.orderId, (await deps.registry.find(deadline.orderId))?.unitId);
      if (unitOf.get(deadline.orderId) !== filter.unitId) continue;
    }
    matches.push(deadline);
  }
  matches.sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const start = after === undefined ? 0 : matches.findIndex((d) => d.dueAt > after.dueAt || (d.dueAt === after.dueAt && d.id > after.id));
  const page = start === -1 ? [] : matches.slice(start, start + filter.limit);
  const last = page[page.length - 1];
  const more = start !== -1 && start + filter.limit < matches.length;
  return { deadlines: page, total: matches.length, ...(more && last ? { nextCursor: encodeCursor(last) } : {}) };
}

function encodeCursor(deadline: Deadline): string {
  return Buffer.from(JSON.stringify([deadline.dueAt, deadline.id])).toString('base64url');
}

function decodeCursor(cursor: string): { dueAt: number; id: string } {
  try {
    const [dueAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof dueAt === 'number' && typeof id === 'string') return { dueAt, id };
  } catch {
    // Reported below, as any cursor this API did not give.
  }
  throw new BryggaError('BRY_BAD_REQUEST', 'query parameter cursor: not a cursor this API gave (use nextCursor from the previous page)');
}
