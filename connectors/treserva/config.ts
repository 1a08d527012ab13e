// The Treserva block under `systems.treserva`: where the file exchange is, its folders, how often
// to look. Checked at start with the rest of the configuration.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BryggaError } from '../../src/errors.ts';
import type { FileExchange } from './exchange/exchange.ts';
import { LocalExchange } from './exchange/local.ts';
import { SftpExchange } from './exchange/sftp.ts';

const Folder = (fallback: string, description: string) =>
  Type.String({ minLength: 1, maxLength: 200, pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$))[^\\\\]+$', default: fallback, description });

export const TreservaConfig = Type.Object(
  {
    exchange: Type.String({
      minLength: 1,
      description: 'The file exchange: a folder (`/srv/treserva`, `file:///srv/treserva`) or `sftp://user:password@host:port/path`',
    }),
    outgoingDir: Folder('ut', 'Treserva\'s outgoing folder, below the exchange: Brygga reads the files there'),
    archiveDir: Folder('arkiv', 'Below outgoingDir: files whose events are on the bus'),
    errorDir: Folder('fel', 'Below outgoingDir: refused files, each beside <name>.error.txt'),
    incomingDir: Folder('in', 'Treserva\'s incoming folder, below the exchange: Brygga writes its files there'),
    pollIntervalMs: Type.Integer({ minimum: 100, default: 5000, description: 'How often the outgoing folder is looked at' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 30_000, description: 'SFTP: connecting and each operation' }),
    hostKey: Type.Optional(Type.String({ pattern: '^SHA256:[A-Za-z0-9+/]{43}=?$', description: 'SFTP: the server\'s host key fingerprint as OpenSSH prints it; another key is refused' })),
    privateKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'SFTP: a private key file, instead of or beside the password' })),
  },
  { additionalProperties: false },
);
export type TreservaConfig = Static<typeof TreservaConfig>;

/** The block with its defaults filled in (the configuration loader does the same; tests call this). */
export function withDefaults(config: Partial<TreservaConfig> & { exchange: string }): TreservaConfig {
  const filled = Value.Default(TreservaConfig, structuredClone(config)) as TreservaConfig;
  if (!Value.Check(TreservaConfig, filled)) {
    const first = [...Value.Errors(TreservaConfig, filled)][0];
    throw new BryggaError('BRY_CONFIG_INVALID', `systems.treserva${first?.path.replaceAll('/', '.') ?? ''}: ${first?.message ?? 'invalid'}`);
  }
  return filled;
}

/** The exchange the `exchange` setting names. */
export function openExchange(config: TreservaConfig): FileExchange {
  const { exchange } = config;
  if (exchange.startsWith('sftp://')) {
    let url: URL;
    try {
      url = new URL(exchange);
    } catch {
      throw new BryggaError('BRY_CONFIG_INVALID', 'systems.treserva.exchange: not a valid sftp:// URL');
    }
    if (!url.username) throw new BryggaError('BRY_CONFIG_INVALID', 'systems.treserva.exchange: the sftp:// URL needs a user (sftp://user:password@host/path)');
    if (!url.password && !config.privateKeyFile) throw new BryggaError('BRY_CONFIG_INVALID', 'systems.treserva.exchange: the sftp:// URL needs a password, or set privateKeyFile');
    return new SftpExchange({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : 22,
      username: decodeURIComponent(url.username),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(config.privateKeyFile ? { privateKeyFile: config.privateKeyFile } : {}),
      ...(config.hostKey ? { hostKey: config.hostKey } : {}),
      root: decodeURIComponent(url.pathname) || '/',
      timeoutMs: config.timeoutMs,
    });
  }
  if (exchange.startsWith('file://')) return new LocalExchange(fileURLToPath(exchange));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(exchange)) {
    throw new BryggaError('BRY_CONFIG_INVALID', 'systems.treserva.exchange: use a folder, file:// or sftp://');
  }
  return new LocalExchange(resolve(exchange));
}
