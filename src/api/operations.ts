// The operator's surface beside the API proper: the dashboard at `/` (one page, its script and
// style from src/dashboard/), the JSON it polls (GET /api/flow, GET /api/overview/deadlines) and
// the dead letters (src/api/dead-letters.ts).
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { DeadLetterIndex } from '../dead-letters/dead-letter-index.ts';
import type { DeadLetterReplayer } from '../dead-letters/replay.ts';
import type { Metrics } from '../metrics.ts';
import { deadlinesPerUnit, flow } from '../operations/overview.ts';
import type { InboxDirectory } from '../routing/inboxes.ts';
import type { OrderRegistry } from '../routing/order-registry.ts';
import type { Store } from '../store/store.ts';
import { registerDeadLetterRoutes } from './dead-letters.ts';

export interface OperationsDeps {
  store: Store;
  registry: OrderRegistry;
  directory: InboxDirectory;
  metrics: Metrics;
  clock: Clock;
  /** The receiving systems whose queues the flow shows. */
  systems: readonly string[];
  deadLetters: DeadLetterIndex;
  replayer: DeadLetterReplayer;
}

// Declared apart (not inline) so the declaration reads the same on every route of this file.
const PUBLIC = { access: 'public' } as const;
const READ = { access: 'read' } as const;
/** Deadlines name orders and case officers by id only; the order reference is the source system's. */
const READ_PERSONAL = { access: 'read', personalData: true } as const;

const ASSETS: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'style.css': 'text/css; charset=utf-8' };
const asset = (name: string): string => readFileSync(new URL(`../dashboard/${name}`, import.meta.url), 'utf8');

/** In a plugin of its own, so that it loads after the API's (its access hook, its OpenAPI document) and they see these routes. */
export function registerOperationsRoutes(root: FastifyInstance, deps: OperationsDeps): void {
  void root.register(async (app) => routes(app, deps));
}

function routes(app: FastifyInstance, deps: OperationsDeps): void {
  registerDeadLetterRoutes(app, deps);

  // The page and its files hold no data: they load before the login, which the script asks for.
  const page = asset('index.html');
  app.get('/', { config: PUBLIC }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page));
  for (const [name, type] of Object.entries(ASSETS)) {
    const body = asset(name);
    app.get(`/dashboard/${name}`, { config: PUBLIC }, async (_request, reply) => reply.type(type).header('cache-control', 'no-cache').send(body));
  }

  app.get('/api/flow', { config: READ }, async () => ({ systems: await flow(deps, deps.systems, deps.clock.now()) }));

  app.get<{ Querystring: { limit?: number } }>(
    '/api/overview/deadlines',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 200 } } } }, config: READ_PERSONAL },
    async (request) => {
      const now = deps.clock.now();
      return { now: new Date(now).toISOString(), units: await deadlinesPerUnit(deps, now, request.query.limit ?? 200) };
    },
  );
}
