// R-ORDER-FAX-FALLBACK end to end with config/examples/multi-system.yaml: a Paraply order for a
// provider connected to no system goes out as an e-mail with the order as PDF (real SMTP and IMAP:
// GreenMail on loopback), the fee administrator is told in Lifecare, and the provider's reply
// "MOTTAGEN / STARTDATUM" meets the kvittens deadline and reaches Paraply as a Kvittens.
// R-KVITTENS-3VD.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxOf, startGreenMail, type GreenMail } from '../../connectors/mail/test-support/greenmail.ts';
import { pdfText } from '../../connectors/mail/test-support/pdf-text.ts';
import type { RunningBrygga } from '../../src/main.ts';
import type { OrderTrace } from '../../src/trace/query.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { getJson } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { ParaplyStandIn } from '../support/paraply-standin.ts';
import { waitFor } from '../support/wait.ts';

const CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));
const PROVIDER = 'bestallning@omsorgsbolaget.example.se';
const BRYGGA = { login: 'brygga', password: 'brygga-secret', email: 'brygga@kommun.example.se' };

/** The multi-system example, its mailbox read every half second. */
function configFile(): string {
  const text = readFileSync(join(CONFIG_DIR, 'examples', 'multi-system.yaml'), 'utf8')
    .replace('    from: Brygga', '    pollIntervalMs: 500\n    from: Brygga')
    .replace('rulesFile: ../deadline-rules.yaml', `rulesFile: ${join(CONFIG_DIR, 'deadline-rules.yaml')}`);
  const file = join(mkdtempSync(join(tmpdir(), 'brygga-config-')), 'multi-system.yaml');
  writeFileSync(file, text);
  return file;
}

describe('an order for a provider outside every system (embedded)', () => {
  let greenMail: GreenMail;
  let lifecare: LifecareStandIn;
  let paraply: ParaplyStandIn;
  let brygga: RunningBrygga;

  beforeAll(async () => {
    greenMail = await startGreenMail([BRYGGA]);
    lifecare = new LifecareStandIn();
    await lifecare.start();
    paraply = new ParaplyStandIn();
    await paraply.start();
    const treservaDir = mkdtempSync(join(tmpdir(), 'brygga-treserva-'));
    mkdirSync(join(treservaDir, 'ut'));
    const settings = testSettings('embedded', lifecare.url, { configFile: configFile() });
    settings.env = {
      ...settings.env,
      PARAPLY_URL: paraply.url,
      TRESERVA_DIR: treservaDir,
      SMTP_URL: `smtp://127.0.0.1:${greenMail.smtpPort}`,
      IMAP_URL: `imap://${BRYGGA.login}:${BRYGGA.password}@127.0.0.1:${greenMail.imapPort}`,
    };
    brygga = await startTestBrygga(settings);
  }, 600_000);
  afterAll(async () => {
    await brygga?.stop();
    await lifecare?.stop();
    await paraply?.stop();
    await greenMail?.stop();
  });

  it('R-ORDER-FAX-FALLBACK: the order goes by e-mail with a PDF, the fee administrator is told; the reply meets the kvittens and reaches Paraply', async () => {
    const bestallningsId = `P-F${Math.floor(Math.random() * 1e6)}`;
    const order = readFileSync(new URL('../../connectors/paraply/fixtures/bestallning-ej-ansluten/input.xml', import.meta.url), 'utf8')
      .replaceAll('P-2026-0042', bestallningsId)
      .replaceAll('PAR-77120', `PAR-${bestallningsId}`);
    const answer = await fetch(`${brygga.url}/connectors/paraply/soap`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: order });
    expect(answer.status).toBe(200);

    // GreenMail makes the provider's mailbox when the first mail arrives: until then no login.
    const [sent] = await waitFor(() => mailboxOf(greenMail, PROVIDER, PROVIDER).catch(() => []), (mails) => mails.length === 1, 'the order in the provider\'s mailbox', 60_000);
    const subject = sent!.parsed.subject ?? '';
    const token = /\[BRY-[^\]]+\]/.exec(subject)?.[0];
    expect(token).toBeDefined();
    const pdf = sent!.parsed.attachments.find((a) => a.contentType === 'application/pdf');
    expect((await pdfText(pdf!.content)).text).toContain('Dagverksamhet');
    await waitFor(() => lifecare.to('vof avgifter').length, (n) => n >= 1, 'the fee administrator told in Lifecare');

    await nodemailer.createTransport({ host: '127.0.0.1', port: greenMail.smtpPort, secure: false }).sendMail({
      from: `Omsorgsbolaget <${PROVIDER}>`,
      to: BRYGGA.email,
      subject: `SV: ${subject}`,
      text: 'MOTTAGEN\nSTARTDATUM 2026-12-01\n\nHälsningar\nOmsorgsbolaget\n\n> Beställning dagverksamhet',
    });

    const trace = await waitFor(
      () => getJson<OrderTrace>(`${brygga.url}/api/orders/${bestallningsId}`),
      (t) => t.deadlines?.some((d) => d.kind === 'kvittens' && d.status === 'met'),
      'the kvittens deadline met by the reply',
      60_000,
    );
    expect(trace.events.map((e) => e.type)).toEqual(expect.arrayContaining(['se.brygga.order.acknowledged.v1']));
    const kvittens = await waitFor(() => paraply.received.map((r) => r.body.toString('utf8')).filter((b) => b.includes('<par:Kvittens>')), (k) => k.length >= 1, 'a Kvittens at Paraply');
    expect(kvittens[0]).toContain(`<par:BestallningsId>${bestallningsId}</par:BestallningsId>`);
  }, 180_000);
});
