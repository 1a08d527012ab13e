// `brygga review list|attach|dismiss`: the review list (messages that matched no order, or
// several) from the command line, as GET/POST /api/review do. With the embedded store, stop
// Brygga first or use the HTTP API.
import { Command, InvalidArgumentError, Option } from 'commander';
import { CONNECTORS } from '../../connectors/index.ts';
import { EventPublisher } from '../canonical/publisher.ts';
import { systemClock } from '../clock.ts';
import { activeConnectors } from '../connectors/connector.ts';
import { REVIEW_STATUSES, ReviewList, type ReviewItem, type ReviewStatus } from '../review/review-list.ts';
import { attachersOf, ReviewService } from '../review/service.ts';
import { TraceQuery } from '../trace/query.ts';
import { withStore, type StoreCommandContext } from './with-store.ts';

/** One line per item: id, status, when, system, why refused, and the decision. */
export function reviewLine(item: ReviewItem): string {
  const why = item.problems.map((p) => `${p.code} ${p.field} (${p.rule})`).join('; ');
  const d = item.decision;
  const decided = d ? ` | ${d.status}${d.orderId ? ` to ${d.orderId}` : ''} by ${d.by} at ${d.at}${d.reason ? `: ${d.reason}` : ''}` : '';
  return `${item.id}  ${item.status.padEnd(9)}  ${item.receivedAt}  ${item.system}  ${why}${decided}`;
}

function serviceOf({ config, bus, store }: StoreCommandContext): ReviewService {
  return new ReviewService({
    reviews: new ReviewList(store),
    kv: store,
    traces: new TraceQuery(store),
    publisher: new EventPublisher(bus, systemClock),
    clock: systemClock,
    attachers: attachersOf(activeConnectors(CONNECTORS, config.systems)),
  });
}

const operator = (value: string): string => {
  if (!/^[A-Za-z0-9._:@-]{1,80}$/.test(value)) throw new InvalidArgumentError('expected the operator\'s user id (letters, digits, . _ : @ -), never a name.');
  return value;
};

const reason = (value: string): string => {
  if (value.trim().length < 3 || value.length > 500) throw new InvalidArgumentError('expected 3 to 500 characters.');
  return value;
};

export function reviewCommand(): Command {
  const review = new Command('review').description('messages that matched no order, or several (R-ORDER-FAX-FALLBACK): list, attach to an order, dismiss');
  review
    .command('list')
    .description('the review list, oldest first')
    .addOption(new Option('--status <status>', 'only these').choices([...REVIEW_STATUSES]))
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (options: { status?: ReviewStatus; format: 'text' | 'json' }) => {
      await withStore(async ({ store, out }) => {
        const items = await new ReviewList(store).list(options.status);
        if (options.format === 'json') out(JSON.stringify({ total: items.length, items }, null, 2));
        else for (const item of items) out(reviewLine(item));
        return 0;
      });
    });
  review
    .command('attach <id>')
    .description("read the message as the order's reply (a mail: its acknowledgement, and start confirmation with STARTDATUM)")
    .requiredOption('--order <order>', "Brygga's order id or the order's reference in its system")
    .requiredOption('--by <operator>', "the operator's user id", operator)
    .option('--reason <text>', 'why (no personal data)', reason)
    .action(async (id: string, options: { order: string; by: string; reason?: string }) => {
      await withStore(async (ctx) => {
        const item = await serviceOf(ctx).attach(id, { orderId: options.order, by: options.by, ...(options.reason ? { reason: options.reason } : {}) });
        ctx.out(reviewLine(item));
        return 0;
      });
    });
  review
    .command('dismiss <id>')
    .description('close the message without attaching it')
    .requiredOption('--reason <text>', 'why (no personal data)', reason)
    .requiredOption('--by <operator>', "the operator's user id", operator)
    .action(async (id: string, options: { by: string; reason: string }) => {
      await withStore(async (ctx) => {
        const item = await serviceOf(ctx).dismiss(id, { by: options.by, reason: options.reason });
        ctx.out(reviewLine(item));
        return 0;
      });
    });
  return review;
}
