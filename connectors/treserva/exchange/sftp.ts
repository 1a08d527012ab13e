// The file exchange over SFTP with one kept connection (ssh2-sftp-client): opened on first use,
// opened again after it drops. Renames use posix-rename@openssh.com (replaces the target
// atomically) where the server offers it, else remove-then-rename.
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type SftpClient from 'ssh2-sftp-client';
import { isComplete, partialName, type ExchangeEntry, type FileExchange } from './exchange.ts';

export interface SftpOptions {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKeyFile?: string;
  /** Root folder of the exchange on the server. */
  root: string;
  /** OpenSSH fingerprint `SHA256:…` of the server's host key; a server with another key is refused. */
  hostKey?: string;
  timeoutMs: number;
}

const NO_SUCH_FILE = 2; // SSH_FX_NO_SUCH_FILE

const gone = (error: unknown): boolean => {
  const { code, message } = error as { code?: unknown; message?: string };
  return code === NO_SUCH_FILE || code === 'ENOENT' || /no such file/i.test(message ?? '');
};

export class SftpExchange implements FileExchange {
  readonly description: string;
  private client?: SftpClient;
  private connecting?: Promise<SftpClient>;
  private posixRename?: boolean;

  constructor(private readonly options: SftpOptions) {
    this.description = `sftp://${options.username}@${options.host}:${options.port}${options.root.startsWith('/') ? '' : '/'}${options.root}`;
  }

  private at(path: string): string {
    return `${this.options.root.replace(/\/+$/, '')}/${path}`;
  }

  private async connection(): Promise<SftpClient> {
    if (this.client) return this.client;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<SftpClient> {
    const { host, port, username, password, privateKeyFile, hostKey, timeoutMs } = this.options;
    const dropped = () => {
      if (this.client === client) this.client = undefined;
    };
    // Our own listeners instead of the library's, which print to the console.
    // Loaded on first use: a Treserva exchange on a local folder never needs ssh2.
    const { default: Sftp } = await import('ssh2-sftp-client');
    const client: SftpClient = new Sftp('brygga-treserva', { end: dropped, close: dropped, error: dropped });
    await client.connect({
      host, port, username, password,
      ...(privateKeyFile ? { privateKey: readFileSync(privateKeyFile) } : {}),
      readyTimeout: timeoutMs,
      retries: 0,
      ...(hostKey ? { hostVerifier: (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === hostKey.replace(/=+$/, '') } : {}),
    } as SftpClient.ConnectOptions);
    this.client = client;
    return client;
  }

  /** One operation on the kept connection; a failure that looks like a dropped connection closes it so the next call reconnects. */
  private async run<T>(operation: (client: SftpClient) => Promise<T>): Promise<T> {
    const client = await this.connection();
    try {
      return await operation(client);
    } catch (error) {
      if (!gone(error) && this.client === client && /not connected|no sftp connection|ECONNRESET|socket|closed/i.test((error as Error).message ?? '')) {
        this.client = undefined;
        void client.end().catch(() => undefined);
      }
      throw error;
    }
  }

  async list(dir: string): Promise<ExchangeEntry[]> {
    const entries = await this.run((c) => c.list(this.at(dir)));
    return entries.filter((e) => e.type === '-' && isComplete(e.name)).map((e) => ({ name: e.name, size: e.size })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async read(path: string): Promise<Buffer | undefined> {
    try {
      return (await this.run((c) => c.get(this.at(path)))) as Buffer;
    } catch (error) {
      if (gone(error)) return undefined;
      throw error;
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.run((c) => c.exists(this.at(path)))) !== false;
  }

  async write(path: string, bytes: Buffer): Promise<void> {
    const temporary = partialName(path, randomBytes(4).toString('hex'));
    await this.run((c) => c.put(bytes, this.at(temporary)));
    try {
      await this.rename(temporary, path);
    } catch (error) {
      await this.remove(temporary).catch(() => undefined);
      throw error;
    }
  }

  async move(from: string, to: string): Promise<void> {
    await this.rename(from, to);
  }

  private async rename(from: string, to: string): Promise<void> {
    await this.run(async (c) => {
      if (this.posixRename !== false) {
        try {
          await c.posixRename(this.at(from), this.at(to));
          this.posixRename = true;
          return;
        } catch (error) {
          if (this.posixRename === true || gone(error)) throw error;
          this.posixRename = false; // the server does not offer the extension
        }
      }
      // Plain SFTP rename does not replace: remove the target first (it is a complete copy of the same delivery or file).
      if ((await c.exists(this.at(to))) !== false) await c.delete(this.at(to), true);
      await c.rename(this.at(from), this.at(to));
    });
  }

  async remove(path: string): Promise<void> {
    await this.run((c) => c.delete(this.at(path), true));
  }

  async ensureDir(dir: string): Promise<void> {
    await this.run(async (c) => {
      if ((await c.exists(this.at(dir))) !== 'd') await c.mkdir(this.at(dir), true);
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }
}
