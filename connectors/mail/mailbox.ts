// The IMAP side shared by the channel and the poller: one short session per use, the folders
// Brygga keeps, and the sent-records folder (one small message per mail sent: headers only, no
// PDF, no personal data) that remembers which delivery went and which order a token names.
import type { ImapFlow } from 'imapflow';
import type { MailConfig } from './config.ts';
import { serverOf } from './config.ts';
import { keysOf, RECORD_HEADERS, type SentRecord } from './token.ts';

export type Imap = ImapFlow;

/** Why an IMAP step failed, for an operator: a refused login, the server's NO/BAD text, or the network's code. */
export function imapReason(error: unknown, timeoutMs: number, describe: (e: unknown, t: number) => string): string {
  const e = error as { authenticationFailed?: boolean; responseStatus?: string; responseText?: string };
  if (e?.authenticationFailed) return 'the mailbox refused Brygga\'s login: check systems.mail.imap';
  if (e?.responseStatus && e.responseText) return `the mailbox answered ${e.responseStatus}: ${e.responseText.slice(0, 160)}`;
  return describe(error, timeoutMs);
}

/** Runs `use` in one logged-in IMAP session, closed afterwards whatever happens. */
export async function withImap<T>(config: MailConfig, use: (client: ImapFlow) => Promise<T>): Promise<T> {
  const server = serverOf('imap', config.imap);
  // Loaded on first use, like the other mail libraries: only the mail route needs them.
  const { ImapFlow: ImapClient } = await import('imapflow');
  const client = new ImapClient({
    host: server.host,
    port: server.port,
    secure: server.secure,
    ...(server.user ? { auth: { user: server.user, pass: server.pass ?? '' } } : {}),
    logger: false,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: Math.max(config.timeoutMs, 60_000),
    disableAutoIdle: true,
  });
  // An idle socket error after the session ended must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Creates the folders that are missing (an existing one is left as it is). */
export async function ensureFolders(client: ImapFlow, folders: string[]): Promise<void> {
  const existing = new Set((await client.list()).map((m) => m.path.toLowerCase()));
  for (const folder of folders) {
    if (folder.toUpperCase() === 'INBOX' || existing.has(folder.toLowerCase())) continue;
    await client.mailboxCreate(folder).catch((error: unknown) => {
      if (!/exist/i.test(String((error as { responseText?: string }).responseText ?? (error as Error).message))) throw error;
    });
  }
}

/** The record of this Message-ID in the sent folder, and whether the mail went (`\Seen`). */
export async function findRecord(client: ImapFlow, folder: string, messageId: string): Promise<{ uid: number; sent: boolean } | undefined> {
  const lock = await client.getMailboxLock(folder);
  try {
    const uids = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
    for (const uid of uids) {
      const message = await client.fetchOne(String(uid), { uid: true, flags: true, envelope: true }, { uid: true });
      if (message && message.envelope?.messageId === messageId) return { uid, sent: message.flags?.has('\\Seen') ?? false };
    }
    return undefined;
  } finally {
    lock.release();
  }
}

/** Writes the record of a mail about to be sent, unseen: sent once it is marked `\Seen`. */
export async function appendRecord(client: ImapFlow, folder: string, record: SentRecord, mail: { from: string; to: string; subject: string; date: Date }): Promise<number | undefined> {
  const headers: Record<string, string> = {
    [RECORD_HEADERS.order]: record.orderId,
    [RECORD_HEADERS.reference]: record.reference,
    [RECORD_HEADERS.keys]: keysOf(record).join(' '),
    [RECORD_HEADERS.delivery]: record.deliveryId,
  };
  if (record.providerId) headers[RECORD_HEADERS.provider] = record.providerId;
  // base64url: a provider's name may have åäö, and header encodings differ between servers.
  if (record.providerName) headers[RECORD_HEADERS.providerName] = Buffer.from(record.providerName, 'utf8').toString('base64url');
  if (record.daysPerWeek !== undefined) headers[RECORD_HEADERS.daysPerWeek] = String(record.daysPerWeek);
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const raw = await new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    date: mail.date,
    messageId: record.messageId,
    headers,
    text: 'Brygga: kvitto på ett skickat meddelande. Själva meddelandet och dess bilaga sparas inte här.\n',
  })
    .compile()
    .build();
  const appended = await client.append(folder, raw, [], mail.date);
  return appended ? appended.uid : undefined;
}

export async function markSent(client: ImapFlow, folder: string, messageId: string): Promise<void> {
  const found = await findRecord(client, folder, messageId);
  if (!found) return;
  const lock = await client.getMailboxLock(folder);
  try {
    await client.messageFlagsAdd(String(found.uid), ['\\Seen'], { uid: true });
  } finally {
    lock.release();
  }
}

function header(source: string, name: string): string | undefined {
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(source);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** The records whose keys contain the token (the server's search is a substring match; the caller matches exactly). */
export async function recordsFor(client: ImapFlow, folder: string, token: string): Promise<SentRecord[]> {
  const lock = await client.getMailboxLock(folder);
  try {
    const uids = (await client.search({ header: { [RECORD_HEADERS.keys]: token } }, { uid: true })) || [];
    const records: SentRecord[] = [];
    for (const uid of uids) {
      const message = await client.fetchOne(String(uid), { uid: true, headers: true, envelope: true }, { uid: true });
      if (!message || !message.headers) continue;
      const text = message.headers.toString('utf8');
      const orderId = header(text, RECORD_HEADERS.order);
      const reference = header(text, RECORD_HEADERS.reference);
      if (!orderId || !reference) continue;
      const providerId = header(text, RECORD_HEADERS.provider);
      const providerName = header(text, RECORD_HEADERS.providerName);
      const days = Number(header(text, RECORD_HEADERS.daysPerWeek));
      records.push({
        messageId: message.envelope?.messageId ?? '',
        deliveryId: header(text, RECORD_HEADERS.delivery) ?? '',
        orderId,
        reference,
        ...(providerId ? { providerId } : {}),
        ...(providerName ? { providerName: Buffer.from(providerName, 'base64url').toString('utf8') } : {}),
        ...(Number.isInteger(days) && days >= 1 && days <= 7 ? { daysPerWeek: days } : {}),
      });
    }
    return records;
  } finally {
    lock.release();
  }
}
