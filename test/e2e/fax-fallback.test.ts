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
import { sentAt } from '../support/examples.ts';
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
    const order = sentAt(readFileSync(new URL('../../connectors/paraply/fixtures/bestallning-ej-ansluten/input.xml', import.meta.url), 'utf8'))
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

  it('R-ORDER-FAX-FALLBACK: a reply without the token waits in the review list; attached to the order by a person it meets the kvittens, recorded', async () => {
    const bestallningsId = `P-R${Math.floor(Math.random() * 1e6)}`;
    const order = sentAt(readFileSync(new URL('../../connectors/paraply/fixtures/bestallning-ej-ansluten/input.xml', import.meta.url), 'utf8'))
      .replaceAll('P-2026-0042', bestallningsId)
      .replaceAll('PAR-77120', `PAR-${bestallningsId}`);
    expect((await fetch(`${brygga.url}/connectors/paraply/soap`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: order })).status).toBe(200);
    await waitFor(() => mailboxOf(greenMail, PROVIDER, PROVIDER).catch(() => []), (mails) => mails.some((m) => m.parsed.subject?.includes(bestallningsId)), 'the order in the provider\'s mailbox', 60_000);

    const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: greenMail.smtpPort, secure: false });
    // The provider typed a new subject: no token, so no order Brygga can tell.
    await smtp.sendMail({ from: `Omsorgsbolaget <${PROVIDER}>`, to: BRYGGA.email, subject: `Ang. beställning ${bestallningsId}`, text: 'MOTTAGEN\nSTARTDATUM 2026-12-01\n' });
    await smtp.sendMail({ from: `Omsorgsbolaget <${PROVIDER}>`, to: BRYGGA.email, subject: `Fråga ${bestallningsId}`, text: 'Hur många platser har ni kvar?\n' });
    type Listed = { total: number; items: { id: string; status: string; problems: { field: string }[]; decision?: Record<string, unknown> }[] };
    const review = `${brygga.url}/api/review`;
    const open = await waitFor(() => getJson<Listed>(`${review}?status=open`), (l) => l.total === 2, 'both replies in the review list', 60_000);
    const shown = await Promise.all(open.items.map((i) => getJson<{ id: string; message: { subject: string; text: string } }>(`${review}/${i.id}`)));
    const acknowledgement = shown.find((m) => m.message.subject.startsWith('Ang.'))!;
    const question = shown.find((m) => m.message.subject.startsWith('Fråga'))!;
    expect(acknowledgement.message.text).toContain('MOTTAGEN');
    const original = await fetch(`${review}/${acknowledgement.id}/original`);
    expect(original.headers.get('content-type')).toBe('message/rfc822');
    expect(await original.text()).toMatch(/^Return-Path: .*\r?\n[\s\S]*\r?\n\r?\nMOTTAGEN\r?\nSTARTDATUM 2026-12-01/);

    const post = (path: string, body: unknown) => fetch(`${review}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // A question is no acknowledgement: attaching it is refused and changes nothing.
    const notAck = await post(`${question.id}/attach`, { orderId: bestallningsId, by: 'avg-handl-1' });
    expect(notAck.status).toBe(400);
    expect(await notAck.json()).toMatchObject({ code: 'BRY_INVALID_MESSAGE', problems: [{ field: 'Body', rule: 'R-KVITTENS-3VD' }] });

    const attached = await post(`${acknowledgement.id}/attach`, { orderId: bestallningsId, by: 'avg-handl-1', reason: 'the reply lacked the reference token' });
    expect(attached.status).toBe(200);
    const item = (await attached.json()) as { status: string; decision: { orderId: string; by: string; at: string; eventIds: string[] } };
    expect(item).toMatchObject({ status: 'attached', decision: { by: 'avg-handl-1', reason: 'the reply lacked the reference token' } });
    expect(item.decision.eventIds).toHaveLength(2);
    // The same attach again changes nothing; another decision is refused.
    expect((await post(`${acknowledgement.id}/attach`, { orderId: bestallningsId, by: 'avg-handl-1' })).status).toBe(200);
    const second = await post(`${acknowledgement.id}/dismiss`, { reason: 'changed my mind', by: 'avg-handl-2' });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ code: 'BRY_REVIEW_DECIDED' });

    const trace = await waitFor(
      () => getJson<OrderTrace>(`${brygga.url}/api/orders/${bestallningsId}`),
      (t) => t.deadlines?.some((d) => d.kind === 'kvittens' && d.status === 'met'),
      'the kvittens deadline met by the attached reply',
      60_000,
    );
    expect(trace.orderId).toBe(item.decision.orderId);
    expect(trace.events.map((e) => e.type)).toEqual(expect.arrayContaining(['se.brygga.order.acknowledged.v1', 'se.brygga.order.start-confirmed.v1']));
    expect(trace.events.find((e) => e.type === 'se.brygga.review.attached')).toMatchObject({ reviewId: acknowledgement.id, by: 'avg-handl-1', time: item.decision.at });

    const dismissed = await post(`${question.id}/dismiss`, { reason: 'a question, answered by phone' });
    expect(dismissed.status).toBe(200);
    expect(await dismissed.json()).toMatchObject({ status: 'dismissed', decision: { reason: 'a question, answered by phone' } });
    const all = await getJson<Listed>(review);
    expect(Object.fromEntries(all.items.map((i) => [i.id, i.status]))).toEqual({ [acknowledgement.id]: 'attached', [question.id]: 'dismissed' });
  }, 180_000);
});
