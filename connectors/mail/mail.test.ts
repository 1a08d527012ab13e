// The mail connector without servers: every reply fixture (fixtures/replies/<case>/input.eml →
// expected.json or expected-error.json), the order PDF read back with pdf.js, the addresses, and
// how SMTP answers map to the delivery errors.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import { BryggaError } from '../../src/errors.ts';
import type { InboxTarget } from '../../src/routing/inboxes.ts';
import { faxDigits, messageIdFor, recipientOf, smtpFailure } from './channel.ts';
import { withDefaults } from './config.ts';
import { ownLines, readReply, replyEvents } from './inbound.ts';
import { renderPdf } from './pdf.ts';
import { composeMail } from './render.ts';
import { pdfText } from './test-support/pdf-text.ts';
import { ordersFor, tokensIn, type SentRecord } from './token.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const RECORDS: SentRecord[] = JSON.parse(readFileSync(join(FIXTURES, 'records.json'), 'utf8'));
const ORDER: CloudEvent = JSON.parse(readFileSync(join(FIXTURES, 'order-placed.json'), 'utf8'));
const RECEIVED_AT = Date.parse('2026-11-26T12:00:00Z');
const EMAIL: InboxTarget = { inboxId: 'fallback:UTF-0193', kind: 'fallback', system: 'mail', addressType: 'EMAIL', addressId: 'bestallning@omsorgsbolaget.example.se' };
const FAX: InboxTarget = { ...EMAIL, addressType: 'FAX', addressId: '08-123 456 78' };

describe('mail replies (fixtures)', () => {
  for (const name of readdirSync(join(FIXTURES, 'replies')).sort()) {
    const dir = join(FIXTURES, 'replies', name);
    it(name, async () => {
      const raw = readFileSync(join(dir, 'input.eml'));
      const mail = await readReply(raw);
      const records = new Map(tokensIn(mail.subject).map((token) => [token, RECORDS]));
      const run = () => replyEvents(mail, records, raw, RECEIVED_AT);
      if (existsSync(join(dir, 'expected.json'))) {
        expect(run()).toEqual(JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')));
      } else {
        const expected = JSON.parse(readFileSync(join(dir, 'expected-error.json'), 'utf8'));
        let error: BryggaError | undefined;
        try {
          run();
        } catch (e) {
          error = e as BryggaError;
        }
        expect(error).toBeInstanceOf(BryggaError);
        expect({ code: error!.code, problems: error!.problems.map(({ code, field, rule }) => ({ code, field, rule })) }).toEqual(expected);
        // Refusals name fields and rules, never what the mail said.
        expect(error!.message).not.toMatch(/Omsorgsbolaget|Åström|1212/);
      }
    });
  }

  it('the same mail read twice gives the same event ids (from its Message-ID)', async () => {
    const raw = readFileSync(join(FIXTURES, 'replies', 'svar-mottagen', 'input.eml'));
    const ids = async () => {
      const mail = await readReply(raw);
      return replyEvents(mail, new Map(tokensIn(mail.subject).map((t) => [t, RECORDS])), raw, RECEIVED_AT).map((e) => e.id);
    };
    expect(await ids()).toEqual(await ids());
  });

  it('a Date in the future is capped at the time the mail was read', async () => {
    const raw = readFileSync(join(FIXTURES, 'replies', 'svar-mottagen', 'input.eml'));
    const mail = await readReply(raw);
    const [ack] = replyEvents({ ...mail, date: new Date('2030-01-01T00:00:00Z') }, new Map([['P-2026-0042', RECORDS]]), raw, RECEIVED_AT);
    expect(ack!.time).toBe(new Date(RECEIVED_AT).toISOString());
  });

  it('own text ends at quotes, signatures and answered header blocks', () => {
    expect(ownLines('MOTTAGEN\n> STARTDATUM 2026-01-01')).toEqual(['MOTTAGEN']);
    expect(ownLines('MOTTAGEN\n-- \nSTARTDATUM 2026-01-01')).toEqual(['MOTTAGEN']);
    expect(ownLines('MOTTAGEN\nDen 23 nov. 2026 kl. 08:01 skrev Brygga <b@k.se>:\nSTARTDATUM')).toEqual(['MOTTAGEN']);
    expect(ownLines('MOTTAGEN\r\nFrom: Brygga\r\nSTARTDATUM')).toEqual(['MOTTAGEN']);
  });

  it('tokens: Brygga order id, bare and prefixed references; ambiguity is seen', () => {
    expect(tokensIn('SV: SV: Beställning [BRY-ord-e2ed817c-545a-56fb] [bry-P-2026-0042]')).toEqual(['ord-e2ed817c-545a-56fb', 'P-2026-0042']);
    expect(ordersFor('P-2026-0042', RECORDS).map((r) => r.orderId)).toEqual(['ord-e2ed817c-545a-56fb']);
    expect(ordersFor('paraply:P-2026-0042', RECORDS).map((r) => r.orderId)).toEqual(['ord-e2ed817c-545a-56fb']);
    expect(ordersFor('B-2026-5531', RECORDS)).toHaveLength(2);
    expect(ordersFor('lifecare:B-2026-5531', RECORDS)).toHaveLength(1);
  });
});

describe('mail out', () => {
  it('the order PDF has every R-ORDER-CONTENT field, the case officer, the token and åäö (pdf.js reads it back)', async () => {
    const content = composeMail(ORDER, EMAIL, { replyTo: 'brygga@hasselby-vallingby.example.se', fax: false });
    expect(content.subject).toBe('Beställning Dagverksamhet P-2026-0042 [BRY-ord-e2ed817c-545a-56fb]');
    expect(content.subject).not.toMatch(/Åström|1212/);
    expect(content.text).not.toMatch(/Åström|1212|070-123/);
    const pdf = await renderPdf(content.pdf!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, pages } = await pdfText(pdf);
    expect(pages).toBeLessThanOrEqual(2);
    for (const expected of [
      '[BRY-ord-e2ed817c-545a-56fb]', 'P-2026-0042 (Paraplysystemet)',
      'Beslutsdatum: 2026-11-20', 'Registrerad: 2026-11-23 07:58', 'Insats: Dagverksamhet (DAGVERKSAMHET)', 'Dagar per vecka: 2', 'Inriktning: Demens',
      'Prioritet 1: Vällingby äldreomsorg, dagverksamhet Solstrålen', 'Prioritet 2: Hässelby gårds dagverksamhet',
      'Namn: Tolvan Åström', 'Personnummer: 19121212-1212', 'Hemtjänstgrupp: Hemtjänst Vällingby Öst',
      'Son: Göran Åström, 070-123 45 67', 'Kontakt (handläggar-id): hv-bih-12',
      'Namn: Omsorgsbolaget i Vällingby AB', 'Organisationsnummer: 556677-8899', 'Stadsområde: Hässelby-Vällingby',
      'Råckstavägen', 'MOTTAGEN', 'STARTDATUM ÅÅÅÅ-MM-DD', 'brygga@hasselby-vallingby.example.se',
    ]) expect(text).toContain(expected);
  });

  it('an order closed is a short plain mail by e-mail, with a one-page PDF by fax; no personal data either way', async () => {
    const closed: CloudEvent = {
      ...ORDER, id: 'c1', type: EVENT_TYPES.orderClosed,
      data: { orderId: 'ord-e2ed817c-545a-56fb', origin: { ...(ORDER.data as { origin: object }).origin, messageId: 'PAR-77200' }, endDate: '2027-06-30' },
    };
    const byMail = composeMail(closed, EMAIL, { replyTo: 'b@k.se', fax: false });
    expect(byMail.pdf).toBeUndefined();
    expect(byMail.subject).toBe('Beställningen avslutas P-2026-0042 [BRY-ord-e2ed817c-545a-56fb]');
    expect(byMail.text).toContain('avslutas från och med 2027-06-30');
    const byFax = composeMail(closed, FAX, { replyTo: 'b@k.se', fax: true });
    const { text } = await pdfText(await renderPdf(byFax.pdf!));
    expect(text).toContain('2027-06-30');
    expect(text).toContain('[BRY-ord-e2ed817c-545a-56fb]');
  });

  it('an event the mail route does not render is refused with the reason', () => {
    const summary = { ...ORDER, type: EVENT_TYPES.participantSummary };
    expect(() => composeMail(summary, EMAIL, { replyTo: 'b@k.se', fax: false })).toThrow(/does not render se\.brygga\.report\.participant-summary\.v1/);
    try {
      composeMail(summary, EMAIL, { replyTo: 'b@k.se', fax: false });
    } catch (e) {
      expect((e as BryggaError).code).toBe('BRY_DELIVERY_REJECTED');
    }
  });

  it('addresses: e-mail as is, fax through the gateway as digits; a missing one is refused', () => {
    expect(recipientOf(EMAIL, undefined)).toEqual({ to: 'bestallning@omsorgsbolaget.example.se', fax: false });
    expect(recipientOf(FAX, '{number}@fax.example.se')).toEqual({ to: '0812345678@fax.example.se', fax: true });
    expect(faxDigits('+46 (0)8-123 456 78')).toBe('460812345678');
    expect(() => recipientOf(FAX, undefined)).toThrow(/faxGateway/);
    expect(() => recipientOf({ ...EMAIL, addressId: undefined }, undefined)).toThrow(/no usable e-mail address/);
    expect(() => recipientOf({ ...EMAIL, addressType: 'INKORG' }, undefined)).toThrow(/EMAIL or FAX/);
    expect(messageIdFor('d-1', 'Brygga <brygga@Kommun.example.se>')).toBe('<bry-d-1@kommun.example.se>');
  });

  it('SMTP answers: 4xx and no answer are retried, 5xx is a refusal; the text never carries the address', () => {
    const rejected = smtpFailure({ responseCode: 550, command: 'RCPT TO:<x@y.se>', response: '550 5.1.1 <x@y.se> unknown user' }, 1000);
    expect([rejected.code, rejected.message]).toEqual(['BRY_DELIVERY_REJECTED', 'the SMTP server answered 550 5.1.1 to RCPT']);
    const later = smtpFailure({ responseCode: 451, command: 'DATA', response: '451 4.3.0 try later' }, 1000);
    expect([later.code, later.retryable]).toEqual(['BRY_DELIVERY_FAILED', true]);
    expect(smtpFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 1000).message).toBe('the SMTP server did not answer: ECONNREFUSED');
  });

  it('configuration: defaults filled in, a bad fax gateway names the key', () => {
    const config = withDefaults({ smtp: 'smtp://h', imap: 'imap://h', from: 'b@k.se' });
    expect(config.folders).toEqual({ inbox: 'INBOX', processed: 'Brygga-behandlat', review: 'Brygga-granska', sent: 'Brygga-skickat' });
    expect(() => withDefaults({ smtp: 'smtp://h', imap: 'imap://h', from: 'b@k.se', faxGateway: 'fax.example.se' })).toThrow(/systems\.mail\.faxGateway/);
  });
});
