// GET /api/deadlines' filters and cursor, on the embedded store: kind, unit, case officer, due
// time, and pages that neither repeat nor skip a deadline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BryggaError } from '../../src/errors.ts';
import { queryDeadlines } from '../../src/operations/deadline-query.ts';
import { OrderRegistry } from '../../src/routing/order-registry.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';

const DAY = 24 * 3600 * 1000;
const T0 = Date.parse('2026-11-23T08:00:00Z');

describe('deadline query (R-KVITTENS-3VD, R-PLAN-15AD lists)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brygga-deadline-query-'));
  const store = new EmbeddedStore({ dataDir: dir });
  const registry = new OrderRegistry(store);
  const deps = { store, registry };

  beforeAll(async () => {
    // Twelve orders: even ones at unit u-norr with case officer bih-1, odd ones at u-syd with bih-2;
    // each has a kvittens deadline due i days on, and a plan deadline ten days later.
    for (let i = 0; i < 12; i++) {
      const orderId = `ord-${String(i).padStart(2, '0')}`;
      await registry.remember({ orderId, system: 'lifecare', reference: `B-${i}`, providerId: 'p-1', unitId: i % 2 === 0 ? 'u-norr' : 'u-syd' });
      const context = { caseOfficerId: i % 2 === 0 ? 'bih-1' : 'bih-2' };
      await store.openDeadline({ id: `${orderId}:kvittens`, orderId, kind: 'kvittens', rule: 'R-KVITTENS-3VD', openedAt: T0, dueAt: T0 + (i + 1) * DAY, context });
      await store.openDeadline({ id: `${orderId}:plan`, orderId, kind: 'genomforandeplan', rule: 'R-PLAN-15AD', openedAt: T0, dueAt: T0 + (i + 11) * DAY, context });
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('narrows by kind, unit, case officer and due time together', async () => {
    const page = await queryDeadlines(deps, { status: 'open', kind: 'kvittens', unitId: 'u-norr', caseOfficerId: 'bih-1', dueBefore: T0 + 7 * DAY, limit: 100 });
    expect(page.deadlines.map((d) => d.id)).toEqual(['ord-00:kvittens', 'ord-02:kvittens', 'ord-04:kvittens']);
    expect(page.total).toBe(3);
    expect(page.nextCursor).toBeUndefined();
    expect((await queryDeadlines(deps, { status: 'open', unitId: 'u-syd', caseOfficerId: 'bih-1', limit: 100 })).total).toBe(0);
  });

  it('pages by cursor, soonest due first, each deadline once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await queryDeadlines(deps, { status: 'open', limit: 5, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(24);
      seen.push(...page.deadlines.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(24);
    expect(new Set(seen).size).toBe(24);
    expect(seen.slice(0, 2)).toEqual(['ord-00:kvittens', 'ord-01:kvittens']);
  });

  it('a deadline met between two pages does not move the next page', async () => {
    const first = await queryDeadlines(deps, { status: 'open', kind: 'kvittens', limit: 3 });
    await store.closeDeadline('ord-01:kvittens', 'met', T0 + DAY, 'test');
    const second = await queryDeadlines(deps, { status: 'open', kind: 'kvittens', limit: 3, cursor: first.nextCursor! });
    expect(second.deadlines.map((d) => d.id)).toEqual(['ord-03:kvittens', 'ord-04:kvittens', 'ord-05:kvittens']);
  });

  it('refuses a cursor it did not give, naming the parameter', async () => {
    await expect(queryDeadlines(deps, { status: 'open', limit: 5, cursor: 'not-a-cursor' })).rejects.toThrow(BryggaError);
    await expect(queryDeadlines(deps, { status: 'open', limit: 5, cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
  });
});
