// Reads the replies in the mailbox: each mail goes through the intake, then moves to the
// processed folder (its events are on the bus) or the review folder (refused and dead-lettered
// with its bytes). The move is what makes a mail read once, across restarts; if Brygga stops
// between the intake and the move, the mail is read again and gives the same events (their ids
// come from its Message-ID), so nothing is counted twice.
import type { ConnectorContext, Poller } from '../../src/connectors/connector.ts';
import type { IntakeOutcome } from '../../src/connectors/intake.ts';
import { PollLoop } from '../../src/connectors/poll-loop.ts';
import type { MailConfig } from './config.ts';
import { readReply, replyEvents, unreadableMail, type ReplyMail } from './inbound.ts';
import { ensureFolders, imapReason, recordsFor, withImap, type Imap } from './mailbox.ts';
import { describeNoAnswer } from '../../src/routing/http-failure.ts';
import { tokensIn, type SentRecord } from './token.ts';

export interface MailPollerHooks {
  /** Test seam: runs after the intake answered and before the mail is moved. */
  afterIntake?(uid: number, outcome: IntakeOutcome): Promise<void>;
}

export class MailPoller implements Poller {
  private readonly poll: PollLoop;

  constructor(
    private readonly config: MailConfig,
    private readonly ctx: ConnectorContext,
    private readonly hooks: MailPollerHooks = {},
  ) {
    this.poll = new PollLoop({
      intervalMs: config.pollIntervalMs,
      pollOnce: () => this.pollOnce(),
      reasonOf: (error) => imapReason(error, config.timeoutMs, describeNoAnswer),
      logger: ctx.logger,
      source: { system: 'mail' },
      what: 'mailbox',
    });
  }

  async start(): Promise<void> {
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll.stop();
  }

  /** One look at the inbox: every mail there, oldest first. */
  async pollOnce(): Promise<void> {
    const { folders } = this.config;
    await withImap(this.config, async (client) => {
      await ensureFolders(client, [folders.inbox, folders.processed, folders.review, folders.sent]);
      const uids = await this.waiting(client);
      for (const uid of uids) {
        if (this.poll.stopping) return;
        await this.handle(client, uid);
      }
    });
  }

  private async waiting(client: Imap): Promise<number[]> {
    const lock = await client.getMailboxLock(this.config.folders.inbox);
    try {
      const uids = (await client.search({ deleted: false }, { uid: true })) || [];
      return [...uids].sort((a, b) => a - b);
    } finally {
      lock.release();
    }
  }

  private async handle(client: Imap, uid: number): Promise<void> {
    const { intake, clock, maxBytes, logger } = this.ctx;
    const { folders } = this.config;
    const receivedAt = clock.now();
    const lock = await client.getMailboxLock(folders.inbox);
    let raw: Buffer | undefined;
    let size = 0;
    try {
      const head = await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
      if (!head) return; // taken meanwhile
      size = head.size ?? 0;
      if (size <= maxBytes) {
        const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        raw = message ? message.source : undefined;
      }
    } finally {
      lock.release();
    }
    if (!raw) {
      // Like an HTTP body over the limit: not read, so no dead letter; kept for a person in the review folder.
      if (size > maxBytes) {
        await this.move(client, uid, folders.review);
        logger.warn({ system: 'mail', uid, sizeBytes: size, maxBytes }, 'mail over maxBytes: moved to the review folder unread');
      }
      return;
    }

    let mail: ReplyMail | undefined;
    try {
      mail = await readReply(raw);
    } catch {
      mail = undefined; // refused below, with its bytes
    }
    // A mailbox that fails here fails the poll: the mail stays in the inbox for the next one.
    const records = new Map<string, SentRecord[]>();
    for (const token of mail ? tokensIn(mail.subject) : []) records.set(token, await recordsFor(client, folders.sent, token));
    const parsed = mail;
    const outcome = await intake({
      system: 'mail',
      original: raw,
      contentType: 'message/rfc822',
      parse: () => {
        if (!parsed) throw unreadableMail();
        return replyEvents(parsed, records, raw, receivedAt);
      },
    });
    // Kept for a person (R-ORDER-FAX-FALLBACK): attached to an order or dismissed from the review list.
    if (!outcome.accepted) {
      await this.ctx.reviews?.record({
        system: 'mail', original: raw, contentType: 'message/rfc822', receivedAt, problems: outcome.error.problems, deadLetterId: outcome.deadLetterId,
      });
    }
    await this.hooks.afterIntake?.(uid, outcome);
    await this.move(client, uid, outcome.accepted ? folders.processed : folders.review);
    logger.info({ system: 'mail', uid, accepted: outcome.accepted, folder: outcome.accepted ? folders.processed : folders.review }, outcome.accepted ? 'reply processed' : 'reply refused: kept for review');
  }

  private async move(client: Imap, uid: number, folder: string): Promise<void> {
    const lock = await client.getMailboxLock(this.config.folders.inbox);
    try {
      await client.messageMove(String(uid), folder, { uid: true });
    } finally {
      lock.release();
    }
  }
}
