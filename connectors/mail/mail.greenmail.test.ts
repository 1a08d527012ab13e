// The mail connector against real servers on loopback: GreenMail (SMTP and IMAP in one process,
// from Maven Central) for the orders that go out and the replies that come in, and a scripted
// SMTP peer for the answers GreenMail never gives (4xx, 5xx).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { fromBusRecord, type CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES, TOPICS } from '../../src/canonical/event-types.ts';
import { EventPublisher } from '../../src/canonical/publisher.ts';
import { ManualClock, systemClock } from '../../src/clock.ts';
import type { ConnectorContext } from '../../src/connectors/connector.ts';
import { createIntake } from '../../src/connectors/intake.ts';
import { BryggaError } from '../../src/errors.ts';
import { createMetrics } from '../../src/metrics.ts';
import type { DeliveryRequest } from '../../src/routing/channel.ts';
import { DeadLetters } from '../../src/routing/dead-letters.ts';
import { ReviewList } from '../../src/review/review-list.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import type { InboxTarget } from '../../src/routing/inboxes.ts';
import { testLogger } from '../../test/support/logs.ts';
import { waitFor } from '../../test/support/wait.ts';
import { MailChannel } from './channel.ts';
import { withDefaults, type MailConfig } from './config.ts';
import { mail as mailConnector } from './index.ts';
import { MailPoller } from './poller.ts';
import { freePort, mailboxOf, startGreenMail, type GreenMail } from './test-support/greenmail.ts';
import { pdfText } from './test-support/pdf-text.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const ORDER: CloudEvent = JSON.parse(readFileSync(join(FIXTURES, 'order-placed.json'), 'utf8'));
const PROVIDER = 'bestallning@omsorgsbolaget.example.se';
const BRYGGA = 'brygga@hasselby-vallingby.example.se';
const EMAIL: InboxTarget = { inboxId: 'fallback:UTF-0193', kind: 'fallback', system: 'mail', addressType: 'EMAIL', addressId: PROVIDER };
const FAX: InboxTarget = { ...EMAIL, addressType: 'FAX', addressId: '08-123 456 78' };

let greenMail: GreenMail;
let config: MailConfig;
let dataDir: string;
let store: EmbeddedStore;
let reviews: ReviewList;
let bus: EmbeddedBus;
let ctx: ConnectorContext;
const logger = testLogger();
// The replies are dated November 2026; they are read two days later.
const readAt = new ManualClock(Date.parse('2026-11-26T12:00:00Z'));

/** Every message in a mailbox's folder, parsed. */
const mailbox = (user: string, pass: string, folder = 'INBOX') => mailboxOf(greenMail, user, pass, folder);

async function events(topic: string): Promise<CloudEvent[]> {
  const out: CloudEvent[] = [];
  await bus.readAll(topic, (record) => void out.push(fromBusRecord(record)));
  return out;
}

const request = (deliveryId: string, inbox: InboxTarget, event: CloudEvent = ORDER): DeliveryRequest => ({ deliveryId, requestedAt: '2026-11-23T07:01:00.000Z', inbox, event });

async function sendReply(raw: Buffer): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: greenMail.smtpPort, secure: false });
  await transport.sendMail({ envelope: { from: PROVIDER, to: BRYGGA }, raw });
  transport.close();
}

beforeAll(async () => {
  greenMail = await startGreenMail([{ login: 'brygga', password: 'hemligt-losen-7', email: BRYGGA }]);
  config = withDefaults({
    smtp: `smtp://127.0.0.1:${greenMail.smtpPort}`,
    imap: `imap://brygga:${encodeURIComponent('hemligt-losen-7')}@127.0.0.1:${greenMail.imapPort}`,
    from: `Brygga Hässelby-Vällingby <${BRYGGA}>`,
    faxGateway: '{number}@fax.example.se',
    pollIntervalMs: 200,
    timeoutMs: 10_000,
  });
  dataDir = mkdtempSync(join(tmpdir(), 'brygga-mail-'));
  bus = new EmbeddedBus({ dataDir: join(dataDir, 'bus'), logger });
  await bus.ensureTopics(Object.values(TOPICS).map((name) => ({ name, partitions: 1, retentionMs: -1 })));
  const metrics = createMetrics();
  const publisher = new EventPublisher(bus, systemClock);
  const deadLetters = new DeadLetters(publisher, metrics, () => systemClock.now());
  store = new EmbeddedStore({ dataDir: join(dataDir, 'store') });
  reviews = new ReviewList(store);
  ctx = { intake: createIntake({ publisher, deadLetters, metrics, logger }), clock: readAt, logger, pseudonymKey: 'test-pseudonym-key-0123456789', maxBytes: 5 * 1024 * 1024, reviews };
}, 180_000);

afterAll(async () => {
  await bus?.close();
  await store?.close();
  await greenMail?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('mail connector on GreenMail', () => {
  it('an order goes out by e-mail with its PDF; the same delivery again, even from a restarted Brygga, sends no second mail', async () => {
    const channel = new MailChannel(config, logger);
    const first = await channel.deliver(request('0b6a9d1e-0000-5000-8000-00000000a001', EMAIL));
    expect(first.receipt).toMatch(/^<bry-0b6a9d1e-0000-5000-8000-00000000a001@hasselby-vallingby\.example\.se> 250/);
    channel.close();

    const restarted = mailConnector.channel!(config, ctx) as MailChannel;
    const again = await restarted.deliver(request('0b6a9d1e-0000-5000-8000-00000000a001', EMAIL));
    expect(again.receipt).toMatch(/^already sent as /);
    restarted.close();

    const received = await mailbox(PROVIDER, PROVIDER);
    expect(received).toHaveLength(1);
    const { parsed } = received[0]!;
    expect(parsed.subject).toBe('Beställning Dagverksamhet P-2026-0042 [BRY-ord-e2ed817c-545a-56fb]');
    expect(parsed.messageId).toBe('<bry-0b6a9d1e-0000-5000-8000-00000000a001@hasselby-vallingby.example.se>');
    expect(parsed.text).not.toMatch(/Åström|1212/);
    const [pdf] = parsed.attachments;
    expect(pdf?.contentType).toBe('application/pdf');
    const { text } = await pdfText(pdf!.content);
    for (const expected of ['[BRY-ord-e2ed817c-545a-56fb]', 'Namn: Tolvan Åström', 'Personnummer: 19121212-1212', 'Hemtjänstgrupp: Hemtjänst Vällingby Öst', 'Kontakt (handläggar-id): hv-bih-12', 'Dagar per vecka: 2', 'Inriktning: Demens']) {
      expect(text).toContain(expected);
    }

    // The record in Brygga's sent folder: headers only, marked sent, no PDF and no personal data.
    const records = await mailbox('brygga', 'hemligt-losen-7', config.folders.sent);
    expect(records).toHaveLength(1);
    expect(records[0]!.flags?.has('\\Seen')).toBe(true);
    expect(records[0]!.parsed.attachments).toHaveLength(0);
    expect(records[0]!.raw.toString('utf8')).not.toMatch(/Åström|191212|19121212/);
  });

  it('by fax: through the e-mail-to-fax gateway, the number as digits, with the PDF', async () => {
    const channel = new MailChannel(config, logger);
    await channel.deliver(request('0b6a9d1e-0000-5000-8000-00000000a002', FAX));
    channel.close();
    const received = await mailbox('0812345678@fax.example.se', '0812345678@fax.example.se');
    expect(received).toHaveLength(1);
    const { text } = await pdfText(received[0]!.parsed.attachments[0]!.content);
    expect(text).toContain('Beställning Dagverksamhet');
    expect(text).toContain('[BRY-ord-e2ed817c-545a-56fb]');
  });

  it('replies: the example reply is an acknowledgement with its start date; an unmatched one is dead-lettered and kept for review; none is read twice', async () => {
    // The format's example reply (a copy of it is the svar-mottagen fixture); its bare token finds the order sent above.
    const reply = readFileSync(join(FIXTURES, 'replies', 'svar-mottagen', 'input.eml'));
    const unmatched = readFileSync(join(FIXTURES, 'replies', 'no-token', 'input.eml'));
    await sendReply(reply);
    await sendReply(unmatched);

    // The first poller stops (as a crash would) after the intake and before the first move.
    let crashed = false;
    const crashing = new MailPoller(config, ctx, {
      afterIntake: async () => {
        if (crashed) return;
        crashed = true;
        throw new Error('simulated crash before the move');
      },
    });
    await expect(crashing.pollOnce()).rejects.toThrow(/simulated crash/);

    const poller = mailConnector.pollers!(config, ctx)[0]!;
    await poller.start();
    try {
      await waitFor(() => mailbox('brygga', 'hemligt-losen-7'), (inbox) => inbox.length === 0, 'the inbox to be emptied');
    } finally {
      await poller.stop();
    }
    const processed = await mailbox('brygga', 'hemligt-losen-7', config.folders.processed);
    const review = await mailbox('brygga', 'hemligt-losen-7', config.folders.review);
    expect(processed.map((m) => m.parsed.messageId)).toEqual(['<a1b2c3@omsorgsbolaget.example.se>']);
    expect(review.map((m) => m.parsed.messageId)).toEqual(['<no-token-1@omsorgsbolaget.example.se>']);

    const orderEvents = (await events(TOPICS.orderEvents)).filter((e) => e.subject === 'ord-e2ed817c-545a-56fb');
    const ack = orderEvents.find((e) => e.type === EVENT_TYPES.orderAcknowledged)!;
    expect(ack.data).toMatchObject({ acknowledgedAt: '2026-11-24T09:58:12.000Z', startDate: '2026-12-01', confirmedBy: { role: 'provider', id: 'UTF-0193', proxy: false }, origin: { reference: 'paraply:P-2026-0042' } });
    expect(orderEvents.find((e) => e.type === EVENT_TYPES.startConfirmed)?.data).toMatchObject({ startDate: '2026-12-01', daysPerWeek: 2 });
    // Read twice (the crash), published as the same two events: one id each.
    expect(new Set(orderEvents.map((e) => e.id)).size).toBe(2);

    const deadLetters = (await events(TOPICS.deadLetters)) as Array<CloudEvent<{ stage: string; originalBase64: string; problems: Array<{ field: string }> }>>;
    const refused = deadLetters.filter((d) => d.data.stage === 'connector:mail');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(Buffer.from(refused.at(-1)!.data.originalBase64, 'base64').toString('utf8')).toContain('Message-ID: <no-token-1@omsorgsbolaget.example.se>');
    expect(refused.at(-1)!.data.problems[0]!.field).toBe('Subject');

    // A restarted reader finds nothing left to read.
    const before = (await events(TOPICS.orderEvents)).length;
    await new MailPoller(config, ctx).pollOnce();
    expect((await events(TOPICS.orderEvents)).length).toBe(before);

    // The unmatched reply is on the review list once, with its bytes; attached to the order it
    // gives what a reply naming the order gives (the order's sent record read from the mailbox).
    const kept = await reviews.list();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ system: 'mail', status: 'open', contentType: 'message/rfc822', problems: [{ code: 'BRY_MISSING_FIELD', field: 'Subject', rule: 'R-ORDER-FAX-FALLBACK' }] });
    expect(kept[0]!.deadLetterId).toBeDefined();
    const original = (await reviews.original(kept[0]!.id))!;
    expect(original.toString('utf8')).toContain('Message-ID: <no-token-1@omsorgsbolaget.example.se>');
    const attached = await mailConnector.attachFromReview!(config, original, Date.parse(kept[0]!.receivedAt), 'ord-e2ed817c-545a-56fb');
    expect(attached.map((e) => e.type)).toEqual([EVENT_TYPES.orderAcknowledged, EVENT_TYPES.startConfirmed]);
    expect(attached[0]!.data).toMatchObject({ orderId: 'ord-e2ed817c-545a-56fb', startDate: '2026-12-01', confirmedBy: { role: 'provider', id: 'UTF-0193', proxy: false }, origin: { messageId: 'no-token-1@omsorgsbolaget.example.se', reference: 'paraply:P-2026-0042' } });
    expect(attached[1]!.data).toMatchObject({ startDate: '2026-12-01', daysPerWeek: 2 });
    await expect(mailConnector.attachFromReview!(config, original, Date.parse(kept[0]!.receivedAt), 'ord-not-sent-by-mail')).rejects.toMatchObject({ code: 'BRY_ORDER_NOT_FOUND' });
  });
});

describe('SMTP answers (a scripted SMTP peer, GreenMail for the records)', () => {
  let server: Server;
  let port: number;
  let rcptAnswer = '250 OK';

  beforeAll(async () => {
    port = await freePort();
    server = createServer((socket) => {
      socket.write('220 peer ESMTP\r\n');
      let buffered = '';
      let inData = false;
      socket.on('data', (chunk) => {
        buffered += chunk.toString('latin1');
        let end: number;
        while ((end = buffered.indexOf('\r\n')) >= 0) {
          const line = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (inData) {
            if (line === '.') {
              inData = false;
              socket.write('250 2.0.0 queued\r\n');
            }
            continue;
          }
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === 'EHLO' || verb === 'HELO') socket.write('250 peer\r\n');
          else if (verb === 'MAIL') socket.write('250 OK\r\n');
          else if (verb === 'RCPT') socket.write(`${rcptAnswer}\r\n`);
          else if (verb === 'DATA') {
            inData = true;
            socket.write('354 go ahead\r\n');
          } else if (verb === 'QUIT') socket.end('221 bye\r\n');
          else socket.write('250 OK\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('5xx for the recipient is BRY_DELIVERY_REJECTED, 4xx is BRY_DELIVERY_FAILED (retryable)', async () => {
    const channel = new MailChannel({ ...config, smtp: `smtp://127.0.0.1:${port}` }, logger);
    const attempt = async (deliveryId: string) => {
      try {
        await channel.deliver(request(deliveryId, EMAIL));
      } catch (error) {
        return error as BryggaError;
      }
      throw new Error('delivered');
    };
    rcptAnswer = '550 5.1.1 <bestallning@omsorgsbolaget.example.se>: Recipient address rejected: User unknown';
    const rejected = await attempt('0b6a9d1e-0000-5000-8000-00000000b001');
    expect([rejected.code, rejected.retryable, rejected.message]).toEqual(['BRY_DELIVERY_REJECTED', false, 'the SMTP server answered 550 5.1.1 to RCPT']);
    rcptAnswer = '451 4.7.1 Greylisted, try again later';
    const later = await attempt('0b6a9d1e-0000-5000-8000-00000000b002');
    expect([later.code, later.retryable]).toEqual(['BRY_DELIVERY_FAILED', true]);
    channel.close();

    const down = new MailChannel({ ...config, smtp: `smtp://127.0.0.1:${await freePort()}` }, logger);
    await expect(down.deliver(request('0b6a9d1e-0000-5000-8000-00000000b003', EMAIL))).rejects.toMatchObject({ code: 'BRY_DELIVERY_FAILED', message: 'the SMTP server did not answer: ECONNREFUSED' });
    down.close();
  });
});
