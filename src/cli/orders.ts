// `brygga orders trace <id>`: an order's trace (events, deliveries, deadlines) from the store, as
// GET /api/orders/{id} gives it. It holds personal data, so the read is written to the audit log
// under the operating-system user. With the embedded store, stop Brygga first or use the API.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { AuditLog } from '../audit/audit-log.ts';
import { settingsFromEnv } from '../config/settings.ts';
import { BryggaError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { openAdapters } from '../main.ts';
import { TraceQuery } from '../trace/query.ts';
import { requireData } from './data-dir.ts';

export function ordersCommand(): Command {
  const orders = new Command('orders').description('orders in the store');
  orders
    .command('trace')
    .description("an order's trace as JSON: its events, deliveries (attempts, last error, next attempt) and deadlines")
    .argument('<id>', "Brygga's order id or the source system's reference (e.g. a Lifecare BeslutsId)")
    .action(async (id: string) => {
      const settings = settingsFromEnv(process.env);
      requireData(settings, ['bus', 'store']);
      const { bus, store } = openAdapters(settings, createLogger({ level: 'warn' }));
      try {
        await new AuditLog(join(settings.dataDir, 'audit'), Date.now).record({
          who: userInfo().username, role: 'local', via: 'cli', action: 'brygga orders trace', target: { id }, from: 'local',
        });
        const trace = await new TraceQuery(store).trace(id);
        if (!trace) throw new BryggaError('BRY_ORDER_NOT_FOUND', `no order with the id or reference ${id}`);
        process.stdout.write(`${JSON.stringify(trace, null, 2)}\n`);
      } finally {
        await bus.close();
        await store.close();
      }
    });
  return orders;
}
