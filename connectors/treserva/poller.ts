// Reads Treserva's outgoing folder: each complete file goes to the intake; once its events are
// on the bus it moves to arkiv/, a refused one (dead-lettered by the intake) to fel/ beside
// <name>.error.txt. The archive is the memory of what was seen: a file whose name and content
// are already in arkiv/ or fel/ is not processed again, across restarts and crashes.
import { PollLoop } from '../../src/connectors/poll-loop.ts';
import { createHash } from 'node:crypto';
import type { Poller } from '../../src/connectors/connector.ts';
import type { ConnectorContext } from '../../src/connectors/connector.ts';
import type { IntakeOutcome } from '../../src/connectors/intake.ts';
import { BryggaError } from '../../src/errors.ts';
import type { TreservaConfig } from './config.ts';
import { join, type ExchangeEntry, type FileExchange } from './exchange/exchange.ts';
import { parseTreservaFile } from './inbound.ts';

export interface PollerHooks {
  /** Test seam: runs after the intake answered and before the file is moved (a crash there is what the tests simulate). */
  afterIntake?(name: string, outcome: IntakeOutcome): Promise<void>;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A file name as logs may show it: digit runs that could be a personnummer masked. */
export const loggableName = (name: string): string => name.replace(/\d{6,}/g, (d) => `${'#'.repeat(d.length)}`).slice(0, 120);

/** `name.xml` → `name.<hash>.xml`: where a different file of an already archived name goes. */
function variantName(name: string, hash: string): string {
  const dot = name.lastIndexOf('.');
  const tag = hash.slice(0, 12);
  return dot > 0 ? `${name.slice(0, dot)}.${tag}${name.slice(dot)}` : `${name}.${tag}`;
}

/** The `.error.txt` beside a refused file: code, summary, then one line per field and rule. */
export function errorText(error: BryggaError, deadLetterId?: string): string {
  const lines = [`${error.code}: ${error.message}`];
  for (const p of error.problems) lines.push(`${p.field}\t${p.rule}\t${p.code}\t${p.detail}`);
  if (deadLetterId) lines.push(`deadLetterId: ${deadLetterId}`);
  return `${lines.join('\n')}\n`;
}

export class TreservaPoller implements Poller {
  private readonly folders: { outgoing: string; archive: string; error: string };
  private readonly poll: PollLoop;

  constructor(
    private readonly exchange: FileExchange,
    private readonly config: TreservaConfig,
    private readonly ctx: ConnectorContext,
    private readonly hooks: PollerHooks = {},
  ) {
    const outgoing = config.outgoingDir;
    this.folders = { outgoing, archive: join(outgoing, config.archiveDir), error: join(outgoing, config.errorDir) };
    this.poll = new PollLoop({
      intervalMs: config.pollIntervalMs,
      pollOnce: () => this.pollOnce(),
      reasonOf: (error) => (error as Error).message ?? String(error),
      logger: ctx.logger,
      source: { system: 'treserva', exchange: exchange.description },
      what: 'file exchange',
    });
  }

  async start(): Promise<void> {
    this.poll.start();
  }

  async stop(): Promise<void> {
    await this.poll.stop();
    await this.exchange.close();
  }

  /** One look at the outgoing folder: every complete file there, in name order. */
  async pollOnce(): Promise<void> {
    const { outgoing, archive, error } = this.folders;
    await this.exchange.ensureDir(archive);
    await this.exchange.ensureDir(error);
    for (const entry of await this.exchange.list(outgoing)) {
      if (this.poll.stopping) return;
      await this.handle(entry);
    }
  }

  private async handle(entry: ExchangeEntry): Promise<void> {
    const { logger, intake, clock, pseudonymKey, maxBytes } = this.ctx;
    const { name } = entry;
    const path = join(this.folders.outgoing, name);
    if (entry.size > maxBytes) {
      // Like an HTTP body over the limit: refused unread, so without a dead letter.
      const tooLarge = new BryggaError('BRY_BODY_TOO_LARGE', `the file is ${entry.size} bytes, more than the ${maxBytes} allowed`);
      await this.settle(name, path, 'error', undefined, errorText(tooLarge));
      return;
    }
    const bytes = await this.exchange.read(path);
    if (!bytes) return; // taken meanwhile
    const hash = sha256(bytes);
    if (await this.seen(name, hash)) {
      // Its events are on the bus already (a crash came between the move and the next look, or Treserva wrote it again).
      await this.exchange.remove(path);
      logger.info({ system: 'treserva', file: loggableName(name) }, 'file already processed: removed from the outgoing folder');
      return;
    }
    const outcome = await intake({
      system: 'treserva',
      original: bytes,
      contentType: undefined,
      parse: () => parseTreservaFile(bytes, undefined, { receivedAt: clock.now(), pseudonymKey, maxBytes }),
    });
    await this.hooks.afterIntake?.(name, outcome);
    if (outcome.accepted) await this.settle(name, path, 'archive', hash);
    else await this.settle(name, path, 'error', hash, errorText(outcome.error, outcome.deadLetterId));
  }

  /** Whether a file of this name and content is in arkiv/ or fel/ already. */
  private async seen(name: string, hash: string): Promise<boolean> {
    for (const folder of [this.folders.archive, this.folders.error]) {
      if (await this.exchange.exists(join(folder, variantName(name, hash)))) return true;
      const same = await this.exchange.read(join(folder, name));
      if (same && sha256(same) === hash) return true;
    }
    return false;
  }

  /** Moves the file into arkiv/ or fel/ under its name, or `name.<hash>.xml` when another file of that name is there. */
  private async settle(name: string, path: string, to: 'archive' | 'error', hash: string | undefined, reason?: string): Promise<void> {
    const folder = to === 'archive' ? this.folders.archive : this.folders.error;
    let target = join(folder, name);
    if (await this.exchange.exists(target)) {
      const other = await this.exchange.read(target);
      if (hash && other && sha256(other) === hash) {
        await this.exchange.remove(path);
        return;
      }
      target = join(folder, variantName(name, hash ?? sha256(Buffer.from(`${name}:${this.ctx.clock.now()}`))));
    }
    // The reason first, so a file in fel/ always has its .error.txt.
    if (reason !== undefined) await this.exchange.write(`${target}.error.txt`, Buffer.from(reason, 'utf8'));
    await this.exchange.move(path, target);
    this.ctx.logger.info({ system: 'treserva', file: loggableName(name), folder: to === 'archive' ? this.config.archiveDir : this.config.errorDir }, to === 'archive' ? 'file archived' : 'file refused');
  }
}
