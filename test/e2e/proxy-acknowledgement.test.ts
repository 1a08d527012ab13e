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
    const response = await acknowledge('B-PROXY', { confirmedBy: { role: 'feeAdministrator', id: 'avg-12' }, acknowledgedAt: '2026-11-24T11:05:00+01:00', startDate: '2026-12-01' });
    expect(response.status).toBe(202);
    // The deadline (store) and the trace (projected from the log) catch up separately: wait for both.
    const t = await waitFor(
      () => trace('B-PROXY'),
      (t) => t.deadlines.find((d) => d.kind === 'kvittens')?.status === 'met' && t.events.some((e) => e.type === EVENT_TYPES.orderAcknowledged),
      'the kvittens met and the acknowledgement in the trace',
    );
    expect(t.deadlines.find((d) => d.kind === 'kvittens')!.closedAt).toBe('2026-11-24T10:05:00.000Z');
    expect(t.events.some((e) => e.type === EVENT_TYPES.orderAcknowledged)).toBe(true);
    const [notice] = await waitFor(() => lifecare.to('bih-4711').filter((m) => m.beslutsId === 'B-PROXY' && m.typ === 'KVITTENS'), (m) => m.length === 1, 'the kvittens at the case officer');
    expect(notice!.xml).toMatch(/ombud|proxy|AVGIFTSHANDLAGGARE/i);
    // The same confirmation sent twice is one event.
    expect(((await (await acknowledge('B-PROXY', { confirmedBy: { role: 'feeAdministrator', id: 'avg-12' }, acknowledgedAt: '2026-11-24T11:05:00+01:00', startDate: '2026-12-01' })).json()) as { eventId: string }).eventId)
      .toBe(((await response.json()) as { eventId: string }).eventId);
  });

  it('a missed kvittens goes to the case officer and to the fee administrator', async () => {
    clock.set(Date.parse('2026-11-27T00:00:01+01:00'));
    await waitFor(() => lifecare.to('vof avgifter').filter((m) => m.typ === 'PAMINNELSE'), (m) => m.length === 1, 'the notice at the fee administrator');
    await waitFor(() => lifecare.to('bih-4711').filter((m) => m.beslutsId === 'B-LATE' && m.typ === 'PAMINNELSE'), (m) => m.length === 1, 'the notice at the case officer');
  });

  it('refuses an unknown order and a body without who confirmed', async () => {
    expect((await acknowledge('B-NOSUCH', { confirmedBy: { role: 'feeAdministrator', id: 'avg-12' } })).status).toBe(404);
    const bad = await acknowledge('B-PROXY', { acknowledgedAt: '2026-11-24T11:05:00+01:00' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('a provider connected to a system (embedded)', () => {
  const lifecare = new LifecareStandIn();
  let brygga: RunningBrygga;
  const acknowledge = (id: string, body: unknown) =>
    fetch(`${brygga.url}/api/orders/${id}/acknowledgement`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    await lifecare.start();
    brygga = await startTestBrygga(testSettings('embedded', lifecare.url));
    expect((await postMessage(brygga.url, 'lifecare', lifecareExample('bestallning.xml', { beslutsId: 'B-CONNECTED' }))).status).toBe(202);
    await waitFor(() => getJson<OrderTrace>(`${brygga.url}/api/orders/B-CONNECTED`), (t) => t.deadlines?.length === 2, 'the deadlines');
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  it('R-ORDER-FAX-FALLBACK: confirming on its behalf is refused (409) unless the request says why; the override is recorded', async () => {
    const refused = await acknowledge('B-CONNECTED', { confirmedBy: { role: 'feeAdministrator', id: 'avg-12' } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe('BRY_PROVIDER_CONNECTED');

    const overridden = await acknowledge('B-CONNECTED', { confirmedBy: { role: 'feeAdministrator', id: 'avg-12' }, override: { reason: 'Lifecare was down all week' } });
    expect(overridden.status).toBe(202);
    const { eventId } = (await overridden.json()) as { eventId: string };
    const records: { headers: Record<string, string>; value: Buffer }[] = [];
    await brygga.bus.readAll('orders.events.v1', (r) => void records.push(r));
    const data = JSON.parse(records.find((r) => r.headers.ce_id === eventId)!.value.toString()) as { note: string; confirmedBy: object };
    expect(data.note).toContain('Lifecare was down all week');
    expect(data.confirmedBy).toEqual({ role: 'feeAdministrator', id: 'avg-12', proxy: true });
  });
});
