// The mail block under `systems.mail`: the SMTP server orders go out through, the IMAP mailbox
// replies come into, the sender, the municipality's e-mail-to-fax gateway and the folders used.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BryggaError } from '../../src/errors.ts';

const Folder = (fallback: string, description: string) =>
  Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\r\\n*%]+$', default: fallback, description });

export const MailConfig = Type.Object(
  {
    smtp: Type.String({ pattern: '^smtps?://', description: 'SMTP server: `smtp://user:password@host:587` (STARTTLS when offered) or `smtps://…:465`' }),
    imap: Type.String({ pattern: '^imaps?://', description: 'IMAP mailbox the replies come into: `imaps://user:password@host:993` or `imap://…:143`' }),
    from: Type.String({ minLength: 3, maxLength: 254, pattern: '@', description: 'Sender, e.g. `Brygga <brygga@kommun.example.se>`; replies come back to it' }),
    faxGateway: Type.Optional(
      Type.String({ pattern: '^[^@\\s]*\\{number\\}[^@\\s]*@[^@\\s]+$', description: 'E-mail-to-fax gateway, e.g. `{number}@fax.example.se`: {number} becomes the fax number\'s digits' }),
    ),
    pollIntervalMs: Type.Integer({ minimum: 100, default: 30_000, description: 'How often the mailbox is looked at' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 30_000, description: 'Connecting to and each command of the SMTP and IMAP servers' }),
    folders: Type.Object(
      {
        inbox: Folder('INBOX', 'Where the replies arrive'),
        processed: Folder('Brygga-behandlat', 'Replies whose events are on the bus'),
        review: Folder('Brygga-granska', 'Replies refused (no order, ambiguous, unreadable): dead-lettered and kept here for a person'),
        sent: Folder('Brygga-skickat', 'One record per mail sent (headers only, no PDF): which order a token belongs to, and whether a delivery already went'),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type MailConfig = Static<typeof MailConfig>;

/** The block with its defaults filled in (the configuration loader does the same; tests call this). */
export function withDefaults(config: Partial<MailConfig> & Pick<MailConfig, 'smtp' | 'imap' | 'from'>): MailConfig {
  const filled = Value.Default(MailConfig, structuredClone(config)) as MailConfig;
  if (!Value.Check(MailConfig, filled)) {
    const first = [...Value.Errors(MailConfig, filled)][0];
    throw new BryggaError('BRY_CONFIG_INVALID', `systems.mail${first?.path.replaceAll('/', '.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  return filled;
}

export interface ServerAddress {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
}

/** `imap://user:pass@host:port` → its parts; a bad URL is a configuration error naming the key, never the password. */
export function serverOf(key: 'smtp' | 'imap', value: string): ServerAddress {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BryggaError('BRY_CONFIG_INVALID', `systems.mail.${key}: not a valid URL`);
  }
  const secure = url.protocol === `${key}s:`;
  const defaults = { smtp: secure ? 465 : 587, imap: secure ? 993 : 143 };
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : defaults[key],
    secure,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { pass: decodeURIComponent(url.password) } : {}),
  };
}

/** The domain of the sender address: the right-hand side of every Message-ID Brygga makes. */
export function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf('@') + 1).trim().toLowerCase() || 'brygga.invalid';
}

/** The bare sender address (`brygga@kommun.se`), for the reply instructions. */
export function senderAddress(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
}
