// `brygga dead-letters list|replay`: the dead letters of the store's index (as GET
// /api/dead-letters shows them), and a replay after a fix (as POST /api/dead-letters/{id}/replay).
// With the embedded store, stop Brygga first or use the HTTP API instead.
import { Command, InvalidArgumentError, Option } from 'commander';
import { CONNECTORS } from '../../connectors/index.ts';
import { EventPublisher } from '../canonical/publisher.ts';
import { systemClock } from '../clock.ts';
import { activeConnectors } from '../connectors/connector.ts';
import { createIntake } from '../connectors/intake.ts';
import { DeadLetterIndex, type DeadLetterFilter } from '../dead-letters/dead-letter-index.ts';
import { DeadLetterReplayer } from '../dead-letters/replay.ts';
import { createLogger } from '../logger.ts';
import { createMetrics } from '../metrics.ts';
import { DeadLetters } from '../routing/dead-letters.ts';
import { InboxDirectory } from '../routing/inboxes.ts';
import { withStore } from './with-store.ts';

interface ListOptions {
  stage?: string;
  system?: string;
  from?: number;
  to?: number;
  limit: number;
  cursor?: number;
  json?: boolean;
}

const time = (name: string) => (value: string): number => {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}(T.+)?$/.test(value) || Number.isNaN(ms)) throw new InvalidArgumentError(`${name}: expected a date or time, e.g. 2026-11-23 or 2026-11-23T09:00:00+01:00.`);
  return ms;
};

const count = (min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
  return n;
};

export function deadLettersCommand(): Command {
  const command = new Command('dead-letters').description('what a stage could not process, kept with its original bytes');
  command
    .command('list')
    .description('dead letters, newest first: id, time, stage, system, problem codes (and replays)')
    .option('--stage <stage>', 'e.g. connector:lifecare, delivery')
    .option('--system <system>', 'e.g. lifecare')
    .option('--from <time>', 'received at or after', time('--from'))
    .option('--to <time>', 'received before', time('--to'))
    .addOption(new Option('--limit <n>', 'at most this many').argParser(count(1, 500)).default(50))
    .option('--cursor <cursor>', 'the next page, as the previous one said', count(0, 1e12))
    .option('--json', 'the page as JSON, with problems and original bytes (base64)')
    .action(async (options: ListOptions) => {
      await withStore(async ({ config, store, out }) => {
        const index = new DeadLetterIndex({ kv: store, retentionMs: config.deadLetters.retentionMs });
        const filter: DeadLetterFilter = {
          ...(options.stage ? { stage: options.stage } : {}), ...(options.system ? { system: options.system } : {}),
          ...(options.from !== undefined ? { from: options.from } : {}), ...(options.to !== undefined ? { to: options.to } : {}),
        };
        const page = await index.list(filter, options.limit, options.cursor);
        if (options.json) {
          out(JSON.stringify(page, null, 2));
          return 0;
        }
        for (const d of page.deadLetters) {
          const replay = d.replay ? `  replay ${d.replay.outcome} ${d.replay.at}` : '';
          out(`${d.id}  ${d.receivedAt}  ${d.stage}  ${d.system}  ${[...new Set(d.problems.map((p) => p.code))].join(',')}${replay}`);
        }
        out(page.nextCursor ? `more: --cursor ${page.nextCursor}` : `${page.deadLetters.length} shown`);
        return 0;
      });
    });
  command
    .command('replay <id>')
    .description('after a mapping or configuration fix: the message through its connector again, or the delivery to its inbox as configured now')
    .action(async (id: string) => {
      await withStore(async ({ config, bus, store, out }) => {
        const logger = createLogger({ level: 'warn' });
        const metrics = createMetrics();
        const publisher = new EventPublisher(bus, systemClock);
        const connectorContext = {
          intake: createIntake({ publisher, deadLetters: new DeadLetters(publisher, metrics, systemClock.now), metrics, logger }),
          clock: systemClock, logger, pseudonymKey: config.pseudonymKey, maxBytes: config.maxBodyBytes,
        };
        const index = new DeadLetterIndex({ kv: store, retentionMs: config.deadLetters.retentionMs });
        const replayer = new DeadLetterReplayer({
          index, kv: store, connectors: activeConnectors(CONNECTORS, config.systems), connectorContext,
          directory: new InboxDirectory(config), publisher, clock: systemClock,
        });
        const result = await replayer.replay(id);
        if (result.outcome === 'accepted') {
          out(`replayed ${result.deadLetterId}: accepted, events ${result.eventIds?.join(', ')}`);
          return 0;
        }
        out(`replayed ${result.deadLetterId}: refused again, ${result.errorCode}: ${(result.problems ?? []).map((p) => `${p.field} (${p.rule})`).join('; ')}`);
        return 1;
      });
    });
  return command;
}
