// The reports over HTTP, from a scenario sent through the Lifecare connector (embedded default):
// R-EXEC-3M, R-ORDER-ONE-ACTIVE, R-MONTHLY-LIST (compiled, and forwarded to the case officers);
// the EVB file carries no personnummer.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBrygga } from '../../src/main.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

const fixture = (name: string) => readFileSync(new URL(`../../connectors/lifecare/fixtures/${name}/input.xml`, import.meta.url), 'utf8');

/** The example order with its own BeslutsId, MeddelandeId and decision date. */
function order(beslutsId: string, decisionDate: string): Buffer {
  return Buffer.from(lifecareExample('bestallning.xml', { beslutsId }).toString('utf8').replace('<Beslutsdatum>2026-11-20</Beslutsdatum>', `<Beslutsdatum>${decisionDate}</Beslutsdatum>`));
}

describe('reports (embedded)', () => {
  const lifecare = new LifecareStandIn();
  let brygga: RunningBrygga;
  const post = (body: Buffer | string) => postMessage(brygga.url, 'lifecare', Buffer.isBuffer(body) ? body : Buffer.from(body));

  beforeAll(async () => {
    await lifecare.start();
    brygga = await startTestBrygga(testSettings('embedded', lifecare.url));
    // Waiting past three months; executed in time; not started; and a second active order for the
    // same client and service.
    for (const [id, decided] of [['B-WAIT', '2026-07-01'], ['B-DONE', '2026-11-20'], ['B-NOPE', '2026-06-15'], ['B-TWIN', '2026-11-02']] as const) {
      expect((await post(order(id, decided))).status).toBe(202);
    }
    expect((await post(fixture('verkstalld').replace('B-2026-5531', 'B-DONE').replace('LC-2026-000203', 'LC-R-203'))).status).toBe(202);
    expect((await post(fixture('ej-paborjad').replace('B-2026-5540', 'B-NOPE').replace('LC-2026-000230', 'LC-R-230'))).status).toBe(202);
    expect((await post(fixture('deltagarlista'))).status).toBe(202);
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  it('R-EXEC-3M / R-ORDER-ONE-ACTIVE: the section leader sees the decision waiting past three months and the duplicate active decisions', async () => {
    const report = await waitFor(
      () => getJson<{ notExecuted: { unit: string; decisions: { reference: string; daysWaited: number }[] }[]; duplicateActive: { references: string[] }[] }>(`${brygga.url}/api/reports/section-leader?asOf=2026-12-15`),
      (r) => r.notExecuted !== undefined,
      'the report',
    );
    const waiting = report.notExecuted.flatMap((u) => u.decisions.map((d) => [u.unit, d.reference, d.daysWaited]));
    expect(waiting).toEqual([['S:t Knut dagverksamhet', 'B-WAIT', 167]]);
    // All three active orders are the same client's day activity (the executed one included).
    expect(report.duplicateActive.map((d) => [...d.references].sort())).toEqual([['B-DONE', 'B-TWIN', 'B-WAIT']]);
    const csv = await fetch(`${brygga.url}/api/reports/section-leader?asOf=2026-12-15&format=csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('sektionsledare-2026-12-15.csv');
    expect(await csv.text()).toContain('B-WAIT');
  });

  it('EVB 2026Q4: one row per decision not executed in three months, the person by birth date and a made-up suffix', async () => {
    const evb = await getJson<{ rows: { person: string; decisionDate: string; reason: string; endedDate?: string }[] }>(`${brygga.url}/api/reports/evb?quarter=2026Q4`);
    // Still waiting; and not started after its three months ran out (a closing row with the reason).
    expect(evb.rows.map((r) => [r.decisionDate, r.reason, r.endedDate])).toEqual([
      ['2026-06-15', 'Brukaren har tackat nej till platsen.', '2026-11-30'],
      ['2026-07-01', 'Ej verkställt', undefined],
    ]);
    expect(evb.rows[0]!.person).toMatch(/^19121212-T\d{3}$/);
    const csv = await (await fetch(`${brygga.url}/api/reports/evb?quarter=2026Q4&format=csv`)).text();
    expect(csv).toContain('19121212-T');
    expect(csv).not.toMatch(/1212-?1212|191212121212|Tolvan/);
  });

  it('R-MONTHLY-LIST: the coordinator\'s compilation shows who reported and who did not', async () => {
    const report = await getJson<{ units: { unit: string; reported: boolean; visitors: number | null }[]; missing: { name: string }[] }>(`${brygga.url}/api/reports/participant-lists?month=2026-11`);
    expect(report.units.filter((u) => u.reported).map((u) => [u.unit, u.visitors])).toEqual([['Månstorps Ängar dagverksamhet', 23]]);
    expect(report.missing.map((u) => u.name)).toHaveLength(3);
    const text = await (await fetch(`${brygga.url}/api/reports/participant-lists?month=2026-11&format=text`)).text();
    expect(text).toContain('Månstorps Ängar');
  });

  it('R-MONTHLY-LIST: the coordinator forwards the compilation to the case officers\' shared inbox, once', async () => {
    await waitFor(
      () => getJson<{ totals: { reportedUnits: number } }>(`${brygga.url}/api/reports/participant-lists?month=2026-11`),
      (r) => r.totals?.reportedUnits === 1,
      'the list of Månstorps Ängar in the compilation',
    );
    const forward = () => fetch(`${brygga.url}/api/reports/participant-lists/2026-11/forward`, { method: 'POST' });
    const first = await forward();
    expect(first.status).toBe(202);
    const { eventId } = (await first.json()) as { accepted: boolean; eventId: string };
    const inbox = 'Biståndshandläggare dagverksamhet';
    const [message] = await waitFor(() => lifecare.to(inbox), (m) => m.length === 1, 'the summary in the case officers\' inbox');
    expect(message!.typ).toBe('DELTAGARSAMMANSTALLNING');
    expect(message!.xml).toContain('Månstorps Ängar');
    expect(message!.xml).toContain('<Manad>2026-11</Manad>');

    const second = await forward();
    expect(second.status).toBe(202);
    expect(((await second.json()) as { eventId: string }).eventId).toBe(eventId);
    // A second delivery would have arrived by now: the first took less than this.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(lifecare.to(inbox)).toHaveLength(1);
  });

  it('format=text gives the section leader and the EVB report as plain Swedish text', async () => {
    const leader = await fetch(`${brygga.url}/api/reports/section-leader?asOf=2026-12-15&format=text`);
    expect(leader.headers.get('content-type')).toContain('text/plain');
    const text = await leader.text();
    expect(text).toMatch(/^Sektionsledarens uppföljning per 2026-12-15\./);
    expect(text).toContain('B-WAIT (DAGV), beslut 2026-07-01');
    const evb = await fetch(`${brygga.url}/api/reports/evb?quarter=2026Q4&format=text`);
    expect(evb.headers.get('content-type')).toContain('text/plain');
    expect(await evb.text()).toMatch(/^Ej verkställda beslut \(EVB\), kvartal 2026Q4 .*: 2 st\./);
  });

  it('asOf sets the status shown: an order executed later is still ordered on the meeting day', async () => {
    const report = await getJson<{ notExecuted: { decisions: { reference: string; status: string }[] }[]; duplicateActive: { references: string[] }[] }>(
      `${brygga.url}/api/reports/section-leader?asOf=2026-10-05`,
    );
    // B-NOPE (decided 15 Jun) was refused by the client only on 30 Nov.
    expect(report.notExecuted.flatMap((u) => u.decisions.map((d) => [d.reference, d.status])).sort()).toEqual([['B-NOPE', 'ordered'], ['B-WAIT', 'ordered']]);
    // B-DONE (decided 20 Nov) and B-TWIN (2 Nov) did not exist yet; B-NOPE was still active beside B-WAIT.
    expect(report.duplicateActive.map((d) => [...d.references].sort())).toEqual([['B-NOPE', 'B-WAIT']]);
  });

  it('a quarter or month that has not begun is refused, not forwarded as an empty compilation', async () => {
    for (const url of ['/api/reports/evb?quarter=2099Q1', '/api/reports/participant-lists?month=2099-01']) {
      const response = await fetch(`${brygga.url}${url}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/^(quarter: 2099Q1|month: 2099-01) has not begun \(today is \d{4}-\d{2}-\d{2}\)/);
    }
    const forward = await fetch(`${brygga.url}/api/reports/participant-lists/2099-01/forward`, { method: 'POST' });
    expect(forward.status).toBe(400);
  });

  it('a malformed quarter or month is a problem naming the parameter', async () => {
    const response = await fetch(`${brygga.url}/api/reports/evb?quarter=2026-4`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain('quarter: expected YYYYQn');
  });
});
