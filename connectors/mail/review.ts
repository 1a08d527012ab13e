// Attaching a reply from the review list to an order: the mail is read as the poller reads it and
// handled exactly as a reply naming that order would have been (the same events, the same ids),
// with the order's sent record from the mailbox's `sent` folder. Only an order Brygga sent by
// mail can be attached to; the reply must still say MOTTAGEN or KVITTENS (R-KVITTENS-3VD).
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { BryggaError } from '../../src/errors.ts';
import { describeNoAnswer } from '../../src/routing/http-failure.ts';
import type { MailConfig } from './config.ts';
import { acknowledgementEvents, readReply, unreadableMail, type ReplyMail } from './inbound.ts';
import { imapReason, recordsFor, withImap } from './mailbox.ts';
import { ordersFor, type SentRecord } from './token.ts';

async function sentRecordOf(config: MailConfig, orderId: string): Promise<SentRecord | undefined> {
  try {
    const records = await withImap(config, (client) => recordsFor(client, config.folders.sent, orderId));
    return ordersFor(orderId, records)[0];
  } catch (cause) {
    throw new BryggaError('BRY_MAILBOX_UNAVAILABLE', `the mailbox (IMAP) failed: ${imapReason(cause, config.timeoutMs, describeNoAnswer)}`, [], { cause });
  }
}

export async function attachReply(config: MailConfig, original: Buffer, receivedAt: number, orderId: string): Promise<CloudEvent[]> {
  let mail: ReplyMail;
  try {
    mail = await readReply(original);
  } catch {
    throw unreadableMail();
  }
  const order = await sentRecordOf(config, orderId);
  if (!order) {
    throw new BryggaError('BRY_ORDER_NOT_FOUND', 'no order Brygga sent by mail has that id', [
      { code: 'BRY_ORDER_NOT_FOUND', field: 'orderId', rule: 'R-ORDER-FAX-FALLBACK', detail: 'only an order that went out by e-mail or fax takes a mail reply' },
    ]);
  }
  return acknowledgementEvents(mail, order, original, receivedAt);
}

/** The mail as a person reads it in the review list: subject, date and text (personal data). */
export async function readForReview(original: Buffer): Promise<Record<string, string>> {
  const mail = await readReply(original);
  return { subject: mail.subject, ...(mail.date ? { date: mail.date.toISOString() } : {}), text: mail.text };
}
