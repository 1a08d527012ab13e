// Every system on either side of an order, with config/examples/multi-system.yaml: translation is
// always native → canonical → native, and a reply in one system finds an order from another by
// the reference it was given (`paraply:P-…`). Real HTTP stand-ins for Lifecare and Paraply, a
// real folder for Treserva's file exchange on the embedded default, a real SFTP server (Apache MINA
// SSHD on loopback) on Kafka + Redis. R-ORDER-CENTRAL-INBOX, R-CONFIRM-START,
// R-KVITTENS-3VD, R-EXECUTE-ON-START.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSshd, type Sshd } from '../../connectors/treserva/test-support/sshd.ts';
import type { RunningBrygga } from '../../src/main.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { startTestBrygga, testSettings, type AdapterSet } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { ParaplyStandIn } from '../support/paraply-standin.ts';
import { waitFor } from '../support/wait.ts';

const MULTI_SYSTEM = fileURLToPath(new URL('../../config/examples/multi-system.yaml', import.meta.url));
const TRESERVA_EXAMPLES = new URL('../../connectors/treserva/fixtures/', import.meta.url);
const run = Math.floor(Math.random() * 1e6);

/** A Paraply Bestallning for Brommagården (UTF-0201, in Lifecare), as Paraply posts it. */
function paraplyOrder(bestallningsId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:par="urn:stockholm:paraply:bestallning:v1">
  <soapenv:Header><par:Meddelandeinfo><par:Id>PAR-${bestallningsId}</par:Id><par:Skickad>2026-11-23T08:30:00+01:00</par:Skickad></par:Meddelandeinfo></soapenv:Header>
  <soapenv:Body>
    <par:Bestallning>
      <par:BestallningsId>${bestallningsId}</par:BestallningsId>
      <par:Registrerad>2026-11-23T08:25:00+01:00</par:Registrerad>
      <par:Stadsdel>Bromma</par:Stadsdel>
      <par:Handlaggare id="br-bih-07" namn="Per Persson" epost="per.persson@example.se"/>
      <par:Utforare id="UTF-0201" orgnr="212000-0142" namn="Brommagårdens dagverksamhet" ansluten="true"/>
      <par:Brukare pnr="19121212-1212" namn="Tolvan Tolvansson"/>
      <par:Insats typ="DAGVERKSAMHET" beslutsdatum="2026-11-19" dagarPerVecka="3" inriktning="SOCIAL"/>
      <par:Muntlig>false</par:Muntlig>
    </par:Bestallning>
  </soapenv:Body>
</soapenv:Envelope>
`;
}

/** A Treserva fixture with its UppdragsId (and anything else) replaced. */
function treservaFile(fixture: string, replace: Record<string, string>): string {
  let text = readFileSync(new URL(`${fixture}/input.xml`, TRESERVA_EXAMPLES), 'utf8');
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  return text;
}

/** The Lifecare example with other day centres wished for (latin1 kept). */
function lifecareOrderFor(beslutsId: string, unitName: string): Buffer {
  const latin1 = lifecareExample('bestallning.xml', { beslutsId, createdAt: new Date() }).toString('latin1');
  return Buffer.from(latin1.replaceAll('S:t Knut dagverksamhet', unitName).replaceAll('Postiljonen dagverksamhet', unitName), 'latin1');
}

/** The embedded default with Treserva's exchange in a local folder; Kafka + Redis with it on a real SFTP server. */
const SETUPS: { adapters: AdapterSet; exchange: 'folder' | 'sftp' }[] = [
  { adapters: 'embedded', exchange: 'folder' },
  { adapters: 'kafka+redis', exchange: 'sftp' },
];
const SFTP_USER = 'brygga';
const SFTP_PASSWORD = 'sftp-test-secret';

describe.each(SETUPS)('across systems ($adapters, Treserva over $exchange)', ({ adapters, exchange }) => {
  let lifecare: LifecareStandIn;
  let paraply: ParaplyStandIn;
  let treservaDir: string;
  let brygga: RunningBrygga;
  let sshd: Sshd | undefined;
  let sshdRoot: string;

  beforeAll(async () => {
    if (exchange !== 'sftp') return;
    const base = mkdtempSync(join(tmpdir(), 'brygga-sftp-'));
    sshdRoot = join(base, 'root');
    mkdirSync(sshdRoot);
    sshd = await startSshd({ root: sshdRoot, user: SFTP_USER, password: SFTP_PASSWORD, hostKeyFile: join(base, 'hostkey.ser') });
  }, 600_000);
  afterAll(async () => {
    await sshd?.stop();
  });

  beforeEach(async (context) => {
    lifecare = new LifecareStandIn();
    await lifecare.start();
    paraply = new ParaplyStandIn();
    await paraply.start();
    // The test reads and writes Treserva's side of the exchange directly: the SFTP server serves a local folder.
    const name = `x-${context.task.id}`;
    treservaDir = sshd ? join(sshdRoot, name) : mkdtempSync(join(tmpdir(), 'brygga-treserva-'));
    for (const folder of ['ut', 'in']) mkdirSync(join(treservaDir, folder), { recursive: true });
    const exchangeUrl = sshd ? `sftp://${SFTP_USER}:${SFTP_PASSWORD}@127.0.0.1:${sshd.port}/${name}` : treservaDir;
    const settings = testSettings(adapters, lifecare.url, { configFile: MULTI_SYSTEM });
    settings.env = { ...settings.env, PARAPLY_URL: paraply.url, TRESERVA_DIR: exchangeUrl };
    brygga = await startTestBrygga(settings);
  });
  afterEach(async () => {
    await brygga?.stop();
    await lifecare.stop();
    await paraply.stop();
  });

  const traceOf = (reference: string) => getJson<OrderTrace>(`${brygga.url}/api/orders/${encodeURIComponent(reference)}`);
  /** Treserva writes a file under a temporary name, then renames it. */
  const dropInTreserva = (name: string, text: string): void => {
    writeFileSync(join(treservaDir, 'ut', `${name}.part`), text);
    renameSync(join(treservaDir, 'ut', `${name}.part`), join(treservaDir, 'ut', name));
  };
  const treservaReceived = (): string[] => readdirSync(join(treservaDir, 'in')).filter((f) => f.endsWith('.xml')).map((f) => readFileSync(join(treservaDir, 'in', f), 'utf8'));

  it('a Paraply order for a provider in Lifecare arrives as a BESTALLNING; the BEKRAFTELSE goes back to Paraply as a Kvittens and meets the kvittens deadline', async () => {
    const bestallningsId = `P-X${run}`;
    const answer = await fetch(`${brygga.url}/connectors/paraply/soap`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: paraplyOrder(bestallningsId) });
    expect(answer.status).toBe(200);

    const reference = `paraply:${bestallningsId}`;
    const [order] = await waitFor(() => lifecare.to('Brommagården Inkorg').filter((m) => m.beslutsId === reference), (m) => m.length === 1, 'the order in the Lifecare provider\'s central inbox');
    expect(order!.typ).toBe('BESTALLNING');
    expect(order!.xml).not.toContain('19121212-1212'.slice(0, 8) + '1212'); // the personnummer travels normalised, never a stray copy

    // The day centre confirms the start in Lifecare, about the order Lifecare knows as paraply:P-….
    const confirmation = lifecareExample('bekraftelse-latin1.xml', { beslutsId: reference });
    expect((await postMessage(brygga.url, 'lifecare', Buffer.from(confirmation.toString('latin1').replaceAll(`LC-${reference}-`, `LC-X${run}-`), 'latin1'))).status).toBe(202);

    const kvittens = await waitFor(() => paraply.received.map((r) => r.body.toString('utf8')), (bodies) => bodies.some((b) => b.includes('<par:Kvittens>')), 'a Kvittens at Paraply');
    const sent = kvittens.find((b) => b.includes('<par:Kvittens>'))!;
    expect(sent).toContain(`<par:BestallningsId>${bestallningsId}</par:BestallningsId>`);
    expect(sent).toContain('<par:Paborjad>2026-12-01</par:Paborjad>');
    const trace = await waitFor(() => traceOf(bestallningsId), (t) => t.deadlines?.some((d) => d.kind === 'kvittens' && d.status === 'met'), 'the kvittens deadline met');
    expect(trace.references).toEqual(expect.arrayContaining([bestallningsId, reference]));
  });

  it('a Treserva NYTT for a provider in Lifecare arrives as a BESTALLNING; the Lifecare confirmation goes back as a Treserva BEKRAFTAT file', async () => {
    const uppdragsId = `TR-X${run}`;
    dropInTreserva(`${uppdragsId}.xml`, treservaFile('nytt', { 'TR-88231': uppdragsId, 'HoF Nordost uppdragsmottagare': 'Brommagårdens dagverksamhet' }));

    const reference = `treserva:${uppdragsId}`;
    await waitFor(() => lifecare.to('Brommagården Inkorg').filter((m) => m.beslutsId === reference), (m) => m.length === 1, 'the Treserva order in Lifecare', 45_000);
    // Archived once its events are on the bus: the move can follow the delivery by a moment.
    await waitFor(() => (existsSync(join(treservaDir, 'ut', 'arkiv')) ? readdirSync(join(treservaDir, 'ut', 'arkiv')) : []), (files) => files.includes(`${uppdragsId}.xml`), 'the file archived');

    const confirmation = lifecareExample('bekraftelse-latin1.xml', { beslutsId: reference });
    expect((await postMessage(brygga.url, 'lifecare', Buffer.from(confirmation.toString('latin1').replaceAll(`LC-${reference}-`, `LC-T${run}-`), 'latin1'))).status).toBe(202);

    const [file] = await waitFor(treservaReceived, (files) => files.length === 1, 'a BEKRAFTAT file in Treserva\'s incoming folder');
    expect(file).toContain('<tr:Handelse>BEKRAFTAT</tr:Handelse>');
    expect(file).toContain(`<tr:UppdragsId>${uppdragsId}</tr:UppdragsId>`);
    expect(file).toContain('2026-12-01');
  });

  it('a Lifecare order for a provider in Treserva arrives as a NYTT file; Treserva\'s BEKRAFTAT and VERKSTALLT reach the case officer in Lifecare', async () => {
    const beslutsId = `B-X${run}`;
    expect((await postMessage(brygga.url, 'lifecare', lifecareOrderFor(beslutsId, 'Dagverksamheten Kortedala'))).status).toBe(202);

    const [nytt] = await waitFor(treservaReceived, (files) => files.length === 1, 'a NYTT file in Treserva\'s incoming folder');
    expect(nytt).toContain('<tr:Handelse>NYTT</tr:Handelse>');
    const reference = `lifecare:${beslutsId}`;
    expect(nytt).toContain(`<tr:UppdragsId>${reference}</tr:UppdragsId>`);

    dropInTreserva(`bekraftat-${run}.xml`, treservaFile('bekraftat', { 'TR-88231': reference }));
    dropInTreserva(`verkstallt-${run}.xml`, treservaFile('verkstallt', { 'TR-88231': reference }));
    const toCaseOfficer = await waitFor(
      () => lifecare.to('bih-4711').filter((m) => m.beslutsId === beslutsId).map((m) => m.typ).sort(),
      (types) => types.length === 2,
      'BEKRAFTELSE and VERKSTALLD at the case officer in Lifecare',
      45_000,
    );
    expect(toCaseOfficer).toEqual(['BEKRAFTELSE', 'VERKSTALLD']);
    const trace = await traceOf(beslutsId);
    expect(trace.deadlines.find((d) => d.kind === 'kvittens')?.status).toBe('met');
  });
});
