// Delivers to a mail inbox: `{ system: 'mail', addressType: 'EMAIL', addressId: <address> }`, or
// `FAX` with a fax number sent through the municipality's e-mail-to-fax gateway. One attempt:
// first the sent record in the mailbox (a delivery whose record says it went is not sent again),
// then SMTP, then the record is marked sent. The Message-ID comes from the delivery id, so every
// attempt of one delivery is the same mail.
import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { BryggaError } from '../../src/errors.ts';
import type { DeliveryChannel, DeliveryRequest } from '../../src/routing/channel.ts';
import { describeNoAnswer } from '../../src/routing/http-failure.ts';
import type { InboxTarget } from '../../src/routing/inboxes.ts';
import { senderAddress, senderDomain, serverOf, type MailConfig } from './config.ts';
import { appendRecord, ensureFolders, findRecord, imapReason, markSent, withImap } from './mailbox.ts';
import { renderPdf } from './pdf.ts';
import { composeMail } from './render.ts';

export const messageIdFor = (deliveryId: string, from: string): string => `<bry-${deliveryId}@${senderDomain(from)}>`;

/** A fax number as the gateway wants it: digits only (`08-123 456 78` → `0812345678`, `+46 8 …` → `468…`). */
export const faxDigits = (number: string): string => number.replace(/\D+/g, '');

/** The address a delivery goes to; a missing or unusable one is refused (nothing to retry). */
export function recipientOf(inbox: InboxTarget, faxGateway: string | undefined): { to: string; fax: boolean } {
  const type = inbox.addressType.toUpperCase();
  const address = inbox.addressId?.trim() ?? '';
  if (type === 'EMAIL') {
    if (!/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/.test(address)) throw new BryggaError('BRY_DELIVERY_REJECTED', `inbox ${inbox.inboxId}: no usable e-mail address (addressId)`);
    return { to: address, fax: false };
  }
  if (type === 'FAX') {
    const digits = faxDigits(address);
    if (digits.length < 5) throw new BryggaError('BRY_DELIVERY_REJECTED', `inbox ${inbox.inboxId}: no usable fax number (addressId)`);
    if (!faxGateway) throw new BryggaError('BRY_DELIVERY_REJECTED', 'a fax delivery needs systems.mail.faxGateway (e.g. {number}@fax.example.se)');
    return { to: faxGateway.replace('{number}', digits), fax: true };
  }
  throw new BryggaError('BRY_DELIVERY_REJECTED', `inbox ${inbox.inboxId}: the mail route sends to addressType EMAIL or FAX, not ${type.slice(0, 40)}`);
}

/** An SMTP failure as the lane needs it: 4xx and no answer are retried, 5xx is a refusal. */
export function smtpFailure(cause: unknown, timeoutMs: number): BryggaError {
  const error = cause as { responseCode?: number; code?: string; command?: string; response?: string };
  if (error?.code === 'EAUTH') return new BryggaError('BRY_DELIVERY_FAILED', 'the SMTP server refused Brygga\'s login: check systems.mail.smtp', [], { cause });
  if (typeof error?.responseCode === 'number') {
    // The enhanced status (5.1.1 unknown recipient) says why; the rest of the text may name the address.
    const enhanced = /\b[245]\.\d{1,3}\.\d{1,3}\b/.exec(error.response ?? '')?.[0];
    const what = `the SMTP server answered ${error.responseCode}${enhanced ? ` ${enhanced}` : ''}${error.command ? ` to ${error.command.split(' ')[0]}` : ''}`;
    return new BryggaError(error.responseCode >= 500 ? 'BRY_DELIVERY_REJECTED' : 'BRY_DELIVERY_FAILED', what, [], { cause });
  }
  // nodemailer wraps the network's code (ECONNREFUSED) in its own (ESOCKET, ECONNECTION): name the network's.
  const network = /\b(E[A-Z]{4,}|ETIMEDOUT)\b/.exec((cause as Error)?.message ?? '')?.[1];
  const reason = network && network !== error?.code ? network : describeNoAnswer(cause, timeoutMs);
  return new BryggaError('BRY_DELIVERY_FAILED', `the SMTP server did not answer: ${reason}`, [], { cause });
}

export interface MailChannelHooks {
  /** Test seam: runs after the SMTP server accepted the mail and before the record is marked sent. */
  afterSend?(messageId: string): Promise<void>;
}

export class MailChannel implements DeliveryChannel {
  readonly system = 'mail';
  private readonly smtp: ReturnType<typeof serverOf>;
  private transport?: Promise<Transporter>;

  constructor(
    private readonly config: MailConfig,
    private readonly logger: Logger,
    private readonly hooks: MailChannelHooks = {},
  ) {
    this.smtp = serverOf('smtp', config.smtp);
  }

  /** nodemailer is loaded at the first mail: an installation without the mail route never needs it. */
  private transporter(): Promise<Transporter> {
    const { smtp, config } = this;
    this.transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
      logger: false,
    }));
    return this.transport;
  }

  async deliver(request: DeliveryRequest): Promise<{ receipt?: string }> {
    const { config } = this;
    const { to, fax } = recipientOf(request.inbox, config.faxGateway);
    const content = composeMail(request.event, request.inbox, { replyTo: senderAddress(config.from), fax });
    const messageId = messageIdFor(request.deliveryId, config.from);
    const date = new Date(request.requestedAt);
    const pdf = content.pdf ? await renderPdf(content.pdf) : undefined;
    const folder = config.folders.sent;

    let alreadySent: boolean;
    try {
      alreadySent = await withImap(config, async (client) => {
        await ensureFolders(client, [folder]);
        const found = await findRecord(client, folder, messageId);
        if (found?.sent) return true;
        if (!found) await appendRecord(client, folder, { ...content.record, messageId, deliveryId: request.deliveryId }, { from: config.from, to, subject: content.subject, date });
        return false;
      });
    } catch (cause) {
      throw new BryggaError('BRY_DELIVERY_FAILED', `the mailbox (IMAP) failed: ${imapReason(cause, config.timeoutMs, describeNoAnswer)}`, [], { cause });
    }
    if (alreadySent) {
      this.logger.info({ system: 'mail', deliveryId: request.deliveryId, messageId }, 'mail already sent by an earlier attempt: not sent again');
      return { receipt: `already sent as ${messageId}` };
    }

    let response: string;
    try {
      const info = await (await this.transporter()).sendMail({
        from: config.from,
        to,
        replyTo: senderAddress(config.from),
        subject: content.subject,
        text: content.text,
        date,
        messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
        ...(pdf ? { attachments: [{ filename: content.attachmentName ?? 'bestallning.pdf', content: pdf, contentType: 'application/pdf' }] } : {}),
      });
      response = String(info.response ?? '').slice(0, 200);
    } catch (cause) {
      throw smtpFailure(cause, config.timeoutMs);
    }
    await this.hooks.afterSend?.(messageId);
    try {
      await withImap(config, (client) => markSent(client, folder, messageId));
    } catch (error) {
      // The mail went; only a later replay of this same delivery could send it once more.
      this.logger.warn({ system: 'mail', deliveryId: request.deliveryId, err: { type: (error as Error).name, message: imapReason(error, config.timeoutMs, describeNoAnswer) } }, 'mail sent, but its record could not be marked sent');
    }
    this.logger.info({ system: 'mail', deliveryId: request.deliveryId, messageId, fax, type: request.event.type }, 'mail sent');
    return { receipt: `${messageId} ${response}`.trim() };
  }

  close(): void {
    void this.transport?.then((transport) => transport.close());
  }
}
