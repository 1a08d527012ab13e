// The HTTP API: connectors' inbound routes, order traces, deadlines, health and metrics.
// Built apart from listening (CONVENTIONS 9): tests drive it with app.inject(). Every route
// declares who may call it (src/api/access.ts) and is described by its schemas in the OpenAPI
// document (src/api/openapi.ts).
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { BryggaError, type ErrorCode } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { DeadlineStatus, Store } from '../store/store.ts';
import { deadlineView, type TraceQuery } from '../trace/query.ts';
import type { OrderRegistry } from '../routing/order-registry.ts';
import { registerAcknowledgementRoute } from './acknowledgement.ts';
import { orderNotFound, registerClientRoutes } from './clients.ts';
import { registerReplayRoute } from './replay.ts';
import { registerReportRoutes } from './reports.ts';
import { registerReviewRoutes } from './review.ts';
import type { ReportService } from '../reports/service.ts';
import type { ActiveConnector, ConnectorContext } from '../connectors/connector.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { Clock } from '../clock.ts';
import { sendProblem } from './problem.ts';
import { queryDeadlines } from '../operations/deadline-query.ts';
import { declareAccess, registerAccessHook } from './access.ts';
import { registerAuditHook } from './audit.ts';
import { registerOpenApi } from './openapi.ts';
import { DeadlineList, Health, OrderTrace, Problem, problems, SECURED_PROBLEMS } from './schemas.ts';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Authenticator } from '../auth/authenticator.ts';
import type { AuditLog } from '../audit/audit-log.ts';

export interface ApiDeps {
  logger: Logger;
  publisher: EventPublisher;
  clock: Clock;
  /** Largest request body, attachments included. */
  maxBytes: number;
  store: Store;
  traces: TraceQuery;
  registry: OrderRegistry;
  reports: ReportService;
  /** The configured connectors; each registers its own inbound routes. */
  connectors: ActiveConnector[];
  connectorContext: ConnectorContext;
  metrics: Metrics;
  /** Who is calling (API keys, OIDC), or open in development. */
  auth: Authenticator;
  /** Where reads of personal data are recorded. */
  audit: AuditLog;
  /** `ok: false` (a stage or loop failing) answers 503. */
  health: () => Promise<{ ok?: boolean } & Record<string, unknown>>;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BRY_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BRY_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BRY_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BRY_BAD_REQUEST',
};

/** A schema finding as the parameter it concerns and what it expects, e.g. `format: must be one of json, csv, text`. */
function validationDetail(error: FastifyError): string {
  const where = error.validationContext === 'querystring' ? 'query parameter' : (error.validationContext ?? 'request');
  const shown = (name: unknown): string => (typeof name === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(name) ? name : '(a parameter)');
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const field = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (v.keyword === 'required') return `${where} ${shown(params.missingProperty)}: required`;
    if (v.keyword === 'additionalProperties') return `${where} ${shown(params.additionalProperty)}: not known here`;
    if (v.keyword === 'enum') return `${where} ${shown(field)}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    return `${where} ${shown(field)}: ${v.message ?? 'is not valid'}`;
  }).join('; ') || error.message;
}

const STATUSES: DeadlineStatus[] = ['open', 'met', 'breached', 'cancelled'];

/** One log line per request, once it is answered, with the request in it: fastify's default is two. */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger, bodyLimit: deps.maxBytes, logController: new OneLinePerRequest() });

  // Response schemas document the answers (OpenAPI); replies are sent as they are, never filtered by them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addSchema(Problem);
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'buffer', bodyLimit: deps.maxBytes }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof BryggaError) return sendProblem(reply, error);
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) return sendProblem(reply, new BryggaError(mapped, error.message));
    if (error.validation) return sendProblem(reply, new BryggaError('BRY_BAD_REQUEST', validationDetail(error)));
    // Fastify's other refusals of a request (a bad Content-Length, a malformed URL, …) are the client's.
    const status = error.statusCode ?? 0;
    if (status >= 400 && status < 500) return sendProblem(reply, new BryggaError(status === 404 ? 'BRY_NOT_FOUND' : 'BRY_BAD_REQUEST', error.message));
    // pino's err serializer: type, message, stack and cause; the request body is never logged.
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).type('application/problem+json').send({ type: 'about:blank', title: 'Internal error', status: 500 });
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, new BryggaError('BRY_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));
  registerAccessHook(app, deps.auth);
  registerAuditHook(app, deps.audit);
  registerOpenApi(app);

  // The routes in a plugin, so that they are registered after the OpenAPI plugin that collects them.
  void app.register(async (app) => {
    // A connector's routes take its own system's key (connector:<system>) unless a route says otherwise.
    for (const { connector, config } of deps.connectors) {
      void app.register(async (scope) => {
        declareAccess(scope, { access: 'connector', system: connector.system });
        connector.routes?.(scope, config, deps.connectorContext);
      });
    }
    registerApiRoutes(app, deps);
  });
  return app;
}

function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerAcknowledgementRoute(app, deps);
  registerReplayRoute(app, deps);
  registerReportRoutes(app, deps);
  registerReviewRoutes(app, deps);
  registerClientRoutes(app, deps);

  // Typed from the schemas (TypeBox type provider): the handlers read what the schemas declare.
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.get('/api/orders/:id', {
    config: { access: 'read', personalData: true },
    schema: {
      summary: "An order's trace: its events, deliveries and deadlines (audited: personal data)",
      params: Type.Object({ id: Type.String({ description: "Brygga's order id or the source system's reference (Lifecare BeslutsId); a client's orders: /api/clients/{clientId}/orders" }) }),
      response: { 200: OrderTrace, ...SECURED_PROBLEMS, ...problems(404, 503) },
    },
  }, async (request, reply) => {
    const trace = await deps.traces.trace(request.params.id);
    if (!trace) return sendProblem(reply, orderNotFound(request.params.id));
    return trace;
  });

  typed.get('/api/deadlines', {
    config: { access: 'read' },
    schema: {
      summary: 'Deadlines in a status, soonest due first, narrowed by kind, unit, case officer and due time, a page at a time',
      querystring: Type.Object({
        status: Type.Optional(Type.String({ description: 'open (default), met, breached or cancelled' })),
        kind: Type.Optional(Type.String({ description: 'Deadline kind from the rules file, e.g. kvittens' })),
        unit: Type.Optional(Type.String({ description: 'Unit id (configuration) the order is placed with' })),
        caseOfficer: Type.Optional(Type.String({ description: "The case officer's id as the source system gives it" })),
        dueBefore: Type.Optional(Type.String({ format: 'date-time', description: 'Only deadlines due before this instant' })),
        limit: Type.Optional(Type.String({ description: 'How many on a page, 1–1000 (default 100)' })),
        cursor: Type.Optional(Type.String({ description: 'nextCursor of the previous page' })),
      }),
      response: { 200: DeadlineList, ...SECURED_PROBLEMS, ...problems(400) },
    },
  }, async (request, reply) => {
    const { query } = request;
    const status = (query.status ?? 'open') as DeadlineStatus;
    if (!STATUSES.includes(status)) {
      return sendProblem(reply, new BryggaError('BRY_BAD_REQUEST', `status must be one of ${STATUSES.join(', ')}`));
    }
    const limit = Math.min(Math.max(Number(query.limit ?? 100) || 100, 1), 1000);
    if (query.dueBefore !== undefined && Number.isNaN(Date.parse(query.dueBefore))) {
      return sendProblem(reply, new BryggaError('BRY_BAD_REQUEST', 'query parameter dueBefore: must be a date-time, e.g. 2026-11-27T00:00:00+01:00'));
    }
    const page = await queryDeadlines({ store: deps.store, registry: deps.registry }, {
      status, limit,
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.unit ? { unitId: query.unit } : {}),
      ...(query.caseOfficer ? { caseOfficerId: query.caseOfficer } : {}),
      ...(query.dueBefore ? { dueBefore: Date.parse(query.dueBefore) } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { status, total: page.total, deadlines: page.deadlines.map(deadlineView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });

  // Liveness and readiness answer alike: 503 while a stage cannot consume or the store cannot
  // be read, naming what fails, so a load balancer and an operator both see it.
  const healthRoute = async (_request: FastifyRequest, reply: FastifyReply) => {
    try {
      const { ok = true, ...report } = await deps.health();
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'failing', ...report });
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', detail: (error as Error).message });
    }
  };
  const healthSchema = { response: { 200: Health, 503: Health } };
  app.get('/health', { config: { access: 'public' }, schema: { summary: 'Liveness: 503 naming the failing stage, loop or store', ...healthSchema } }, healthRoute);
  app.get('/ready', { config: { access: 'public' }, schema: { summary: 'Readiness: as /health', ...healthSchema } }, healthRoute);

  app.get('/metrics', { config: { access: 'read' }, schema: { summary: 'Prometheus metrics (text exposition format)', response: { 200: Type.String(), ...SECURED_PROBLEMS } } }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
