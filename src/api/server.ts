// The HTTP API: connectors' inbound routes, order traces, deadlines, health and metrics.
// Built apart from listening (CONVENTIONS 9): tests drive it with app.inject().
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { BryggaError, type ErrorCode } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { DeadlineStatus, Store } from '../store/store.ts';
import { deadlineView, type TraceQuery } from '../trace/query.ts';
import type { OrderRegistry } from '../routing/order-registry.ts';
import { registerAcknowledgementRoute } from './acknowledgement.ts';
import { registerReplayRoute } from './replay.ts';
import { registerReportRoutes } from './reports.ts';
import type { ReportService } from '../reports/service.ts';
import { registerInboundRoute, type InboundConnector, type InboundDeps } from './inbound.ts';
import { sendProblem } from './problem.ts';

export interface ApiDeps extends InboundDeps {
  logger: Logger;
  store: Store;
  traces: TraceQuery;
  registry: OrderRegistry;
  reports: ReportService;
  connectors: InboundConnector[];
  metrics: Metrics;
  health: () => Promise<Record<string, string>>;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BRY_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BRY_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BRY_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BRY_BAD_REQUEST',
};

const STATUSES: DeadlineStatus[] = ['open', 'met', 'breached', 'cancelled'];

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: deps.maxBytes });

  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer', bodyLimit: deps.maxBytes }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof BryggaError) return sendProblem(reply, error);
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendProblem(reply, new BryggaError(mapped, error.message));
    if (error.validation) return sendProblem(reply, new BryggaError('BRY_BAD_REQUEST', error.message));
    request.log.error({ err: { type: error.name, code: error.code } }, 'unexpected error');
    return reply.code(500).type('application/problem+json').send({ type: 'about:blank', title: 'Internal error', status: 500 });
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new BryggaError('BRY_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));

  for (const connector of deps.connectors) registerInboundRoute(app, connector, deps);
  registerAcknowledgementRoute(app, deps);
  registerReplayRoute(app, deps);
  registerReportRoutes(app, deps);

  app.get<{ Params: { id: string } }>('/api/orders/:id', async (request, reply) => {
    const trace = await deps.traces.trace(request.params.id);
    if (!trace) return sendProblem(reply, new BryggaError('BRY_ORDER_NOT_FOUND', 'no order with that id or reference'));
    return trace;
  });

  app.get<{ Querystring: { status?: string; limit?: string } }>('/api/deadlines', async (request, reply) => {
    const status = (request.query.status ?? 'open') as DeadlineStatus;
    if (!STATUSES.includes(status)) {
      return sendProblem(reply, new BryggaError('BRY_BAD_REQUEST', `status must be one of ${STATUSES.join(', ')}`));
    }
    const limit = Math.min(Math.max(Number(request.query.limit ?? 100) || 100, 1), 1000);
    const [deadlines, total] = await Promise.all([deps.store.listDeadlines(status, limit), deps.store.countDeadlines(status)]);
    return { status, total, deadlines: deadlines.map(deadlineView) };
  });

  app.get('/health', async (_request, reply) => {
    try {
      return { status: 'ok', ...(await deps.health()) };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', detail: (error as Error).message });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  return app;
}
