// R-ORDER-FAX-FALLBACK: for a provider outside the systems a missed kvittens also reaches the fee
// administrator, who confirms on the provider's behalf; that proxy confirmation meets the
// deadline like any acknowledgement (R-KVITTENS-3VD) and reaches the case officer.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import { ManualClock } from '../../src/clock.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import type { RunningBrygga } from '../../src/main.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

function notConnectedConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'brygga-config-'));
  writeFileSync(join(dir, 'deadline-rules.yaml'), readFileSync(join(DEFAULT_CONFIG_FILE, '..', 'deadline-rules.yaml')));
  writeFileSync(join(dir, 'brygga.yaml'), readFileSync(DEFAULT_CONFIG_FILE, 'utf8').replace('connected: true', 'connected: false'));
  return join(dir, 'brygga.yaml');
}

describe('a provider not connected to any system (embedded)', () => {
  const lifecare = new LifecareStandIn();
  const clock = new ManualClock(Date.parse('2026-11-23T10:00:00+01:00'));
  let brygga: RunningBrygga;
  const trace = (id: string) => getJson<OrderTrace>(`${brygga.url}/api/orders/${id}`);
  const acknowledge = (id: string, body: unknown) =>
    fetch(`${brygga.url}/api/orders/${id}/acknowledgement`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    await lifecare.start();
    brygga = await startTestBrygga(testSettings('embedded', lifecare.url, { configFile: notConnectedConfig() }), clock);
    for (const id of ['B-PROXY', 'B-LATE']) expect((await postMessage(brygga.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId: id }))).status).toBe(202);
    await waitFor(() => trace('B-LATE'), (t) => t.deadlines?.length === 2, 'the deadlines');
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  it('the fee administrator\'s confirmation on the provider\'s behalf meets the kvittens and reaches the case officer', async () => {
    const response = await acknowledge('B-PROXY', { confirmedBy: { role: 'AVGIFTSHANDLAGGARE', id: 'avg-12' }, acknowledgedAt: '2026-11-24T11:05:00+01:00', startDate: '2026-12-01' });
    expect(response.status).toBe(202);
    const t = await waitFor(() => trace('B-PROXY'), (t) => t.deadlines.find((d) => d.kind === 'kvittens')?.status === 'met', 'the kvittens met');
    expect(t.deadlines.find((d) => d.kind === 'kvittens')!.closedAt).toBe('2026-11-24T10:05:00.000Z');
    expect(t.events.some((e) => e.type === EVENT_TYPES.orderAcknowledged)).toBe(true);
    const [notice] = await waitFor(() => lifecare.to('bih-4711').filter((m) => m.beslutsId === 'B-PROXY' && m.typ === 'KVITTENS'), (m) => m.length === 1, 'the kvittens at the case officer');
    expect(notice!.xml).toMatch(/ombud|proxy|AVGIFTSHANDLAGGARE/i);
    // The same confirmation sent twice is one event.
    expect(((await (await acknowledge('B-PROXY', { confirmedBy: { role: 'AVGIFTSHANDLAGGARE', id: 'avg-12' }, acknowledgedAt: '2026-11-24T11:05:00+01:00', startDate: '2026-12-01' })).json()) as { eventId: string }).eventId)
      .toBe(((await response.json()) as { eventId: string }).eventId);
  });

  it('a missed kvittens goes to the case officer and to the fee administrator', async () => {
    clock.set(Date.parse('2026-11-27T00:00:01+01:00'));
    await waitFor(() => lifecare.to('vof avgifter').filter((m) => m.typ === 'PAMINNELSE'), (m) => m.length === 1, 'the notice at the fee administrator');
    await waitFor(() => lifecare.to('bih-4711').filter((m) => m.beslutsId === 'B-LATE' && m.typ === 'PAMINNELSE'), (m) => m.length === 1, 'the notice at the case officer');
  });

  it('refuses an unknown order and a body without who confirmed', async () => {
    expect((await acknowledge('B-NOSUCH', { confirmedBy: { role: 'AVGIFTSHANDLAGGARE', id: 'avg-12' } })).status).toBe(404);
    const bad = await acknowledge('B-PROXY', { acknowledgedAt: '2026-11-24T11:05:00+01:00' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });
});
