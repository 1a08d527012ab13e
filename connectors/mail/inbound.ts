// Mail → canonical: a provider's reply. Its subject carries the token of the order
// (`[BRY-<order id>]`, or the order's reference as printed on the page); the first line of its own
// text says MOTTAGEN or KVITTENS (the acknowledgement, R-KVITTENS-3VD), and a line
// `STARTDATUM YYYY-MM-DD` also confirms the start (R-CONFIRM-START). Quoted text, signatures and
// forwarded headers below the provider's own text are not read. A reply that names no order,
// several orders, or says neither word is refused: dead-lettered with its bytes for a person.
import { createHash } from 'node:crypto';
import { stableId } from '../../src/canonical/envelope.ts';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import type { OrderAcknowledgedData, StartConfirmedData } from '../../src/canonical/schemas/orders.ts';
import { validateEvent } from '../../src/canonical/validate.ts';
import { BryggaError, type FieldProblem } from '../../src/errors.ts';
import { ordersFor, tokensIn, type SentRecord } from './token.ts';

const SOURCE = '/connectors/mail';

export interface ReplyMail {
  subject: string;
  /** The plain text; for an HTML-only mail the text mailparser derives from the HTML. */
  text: string;
  messageId?: string;
  date?: Date;
}

/** Reads the raw mail: MIME, encoded subjects, any charset mailparser knows (ISO-8859-1 among them). */
export async function readReply(raw: Buffer): Promise<ReplyMail> {
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  return {
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
    ...(parsed.date && !Number.isNaN(parsed.date.getTime()) ? { date: parsed.date } : {}),
  };
}

/** Where the provider's own text ends: a quote, a signature, or the header block of the mail answered or forwarded. */
const END_OF_OWN_TEXT = [
  /^>/,
  /^--\s*$/,
  /^_{5,}\s*$/,
  /^-{2,}\s*(original|ursprungligt|vidarebefordrat|forwarded|videresendt)\b/i,
  /^(från|from|skickat|sent|von|fra):\s/i,
  /^(den|on|am)\s.+\s(skrev|wrote|schrieb)\b.*:\s*$/i,
];

/** The provider's own lines: from the top to the first quote, signature or answered header block. */
export function ownLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').replace(/\u00a0/g, ' ').split(/\r?\n/).map((l) => l.trim());
  const own: string[] = [];
  for (const line of lines) {
    if (END_OF_OWN_TEXT.some((end) => end.test(line))) break;
    own.push(line);
  }
  return own;
}

const isRealDate = (value: string): boolean => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

/** A mail mailparser cannot read: refused with its bytes like any other. */
export const unreadableMail = (): BryggaError =>
  new BryggaError('BRY_INVALID_MESSAGE', 'not a readable e-mail', [{ code: 'BRY_INVALID_FIELD', field: '(message)', rule: 'FORMAT-RFC5322', detail: 'the mail could not be parsed' }]);

function refuse(problems: FieldProblem[]): never {
  const code = problems.every((p) => p.code === 'BRY_ORDER_NOT_FOUND') ? 'BRY_ORDER_NOT_FOUND' : 'BRY_INVALID_MESSAGE';
  throw new BryggaError(code, `mail reply refused: ${problems.map((p) => `${p.field} (${p.rule}): ${p.detail}`).join('; ')}`, problems);
}

/** The Message-ID as an origin id (at most 120 characters), or the hash of the bytes when it has none. */
function messageIdOf(mail: ReplyMail, raw: Buffer): string {
  const id = mail.messageId?.replace(/^<|>$/g, '').trim();
  if (id && id.length <= 120) return id;
  return `sha256:${createHash('sha256').update(id ?? raw).digest('hex')}`;
}

/**
 * The events of one reply. `records` holds, for each token of the subject, the sent records
 * that answer to it (the poller looks them up in the mailbox); `receivedAt` caps the mail's own
 * Date, so a clock set wrong at the provider cannot date a kvittens in the future.
 */
export function replyEvents(mail: ReplyMail, records: ReadonlyMap<string, readonly SentRecord[]>, raw: Buffer, receivedAt: number): CloudEvent[] {
  const tokens = tokensIn(mail.subject);
  if (tokens.length === 0) {
    refuse([{ code: 'BRY_MISSING_FIELD', field: 'Subject', rule: 'R-ORDER-FAX-FALLBACK', detail: 'no reference token [BRY-…] in the subject' }]);
  }
  const orders = new Map<string, SentRecord>();
  const unknown: string[] = [];
  for (const token of tokens) {
    const found = ordersFor(token, records.get(token) ?? []);
    if (found.length === 0) unknown.push(token);
    for (const record of found) if (!orders.has(record.orderId)) orders.set(record.orderId, record);
  }
  if (orders.size > 1) {
    refuse([{ code: 'BRY_INVALID_FIELD', field: 'Subject', rule: 'R-ORDER-FAX-FALLBACK', detail: `the subject's tokens name ${orders.size} different orders: ambiguous` }]);
  }
  const order = [...orders.values()][0];
  if (!order) {
    refuse([{ code: 'BRY_ORDER_NOT_FOUND', field: 'Subject', rule: 'R-ORDER-FAX-FALLBACK', detail: `no order Brygga sent by mail answers to the token${unknown.length > 1 ? 's' : ''} in the subject` }]);
  }
  return acknowledgementEvents(mail, order, raw, receivedAt);
}

/**
 * The events of a reply to `order`: what a reply naming the order gives, and what a person's
 * attaching a mail from the review list to the order gives (the same event ids, from its Message-ID).
 */
export function acknowledgementEvents(mail: ReplyMail, order: SentRecord, raw: Buffer, receivedAt: number): CloudEvent[] {

  const own = ownLines(mail.text);
  const first = own.find((line) => line !== '') ?? '';
  const problems: FieldProblem[] = [];
  if (!/^(MOTTAGEN|KVITTENS)\b/i.test(first)) {
    problems.push({ code: 'BRY_INVALID_FIELD', field: 'Body', rule: 'R-KVITTENS-3VD', detail: 'the first line does not start with MOTTAGEN or KVITTENS' });
  }
  // At the start of a line (or right after MOTTAGEN on the first): "startdatum" in a sentence is prose, not the field.
  const startLines = own.map((line) => /^(?:(?:MOTTAGEN|KVITTENS)\b[\s,.:;–-]*)?STARTDATUM\b\s*:?\s*(\S*)/i.exec(line)).filter((m): m is RegExpExecArray => m !== null);
  const startDates = [...new Set(startLines.map((m) => m[1]!))];
  let startDate: string | undefined;
  if (startDates.length > 1) {
    problems.push({ code: 'BRY_INVALID_FIELD', field: 'Body/STARTDATUM', rule: 'R-CONFIRM-START', detail: 'more than one STARTDATUM: ambiguous' });
  } else if (startDates.length === 1) {
    const value = startDates[0]!;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value) && isRealDate(value)) startDate = value;
    else problems.push({ code: 'BRY_INVALID_FIELD', field: 'Body/STARTDATUM', rule: 'FORMAT-DATE', detail: 'STARTDATUM must be followed by a real date YYYY-MM-DD' });
  }
  if (problems.length > 0) refuse(problems);

  const messageId = messageIdOf(mail, raw);
  const sentAt = mail.date && mail.date.getTime() <= receivedAt ? mail.date.getTime() : receivedAt;
  const at = new Date(sentAt).toISOString();
  const provider = order.providerId ?? 'mail';
  const origin = {
    system: 'mail' as const,
    messageId,
    reference: order.reference,
    createdAt: at,
    sender: { role: 'provider' as const, id: provider, ...(order.providerName ? { name: order.providerName } : {}) },
  };
  const event = <T>(type: (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES], data: T): CloudEvent<T> => ({
    specversion: '1.0',
    id: stableId('mail', messageId, type),
    source: SOURCE,
    type,
    time: at,
    subject: order.orderId,
    datacontenttype: 'application/json',
    correlationid: order.orderId,
    data,
  });
  const acknowledged: OrderAcknowledgedData = {
    orderId: order.orderId,
    origin,
    acknowledgedAt: at,
    ...(startDate ? { startDate } : {}),
    confirmedBy: { role: 'provider', id: provider, proxy: false },
  };
  const events: CloudEvent[] = [event(EVENT_TYPES.orderAcknowledged, acknowledged)];
  // R-CONFIRM-START needs the days per week: those of the order the provider was sent.
  if (startDate && order.daysPerWeek !== undefined) {
    const confirmed: StartConfirmedData = {
      orderId: order.orderId,
      origin,
      unit: { name: order.providerName ?? provider, id: provider },
      startDate,
      daysPerWeek: order.daysPerWeek,
    };
    events.push(event(EVENT_TYPES.startConfirmed, confirmed));
  }
  for (const e of events) validateEvent(e);
  return events;
}
