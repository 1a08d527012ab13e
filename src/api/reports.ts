// GET /api/reports/…: the reports as JSON, or as a CSV download (format=csv) that Excel opens.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../clock.ts';
import type { ReportService, RenderedReport } from '../reports/service.ts';
import { stockholmDate } from '../reports/order-states.ts';

type Format = 'json' | 'csv' | 'text';

function send(reply: FastifyReply, report: RenderedReport, format: Format = 'json'): FastifyReply {
  if (format === 'csv') {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${report.name}.csv"`).send(report.csv);
  }
  if (format === 'text' && report.text !== undefined) return reply.type('text/plain; charset=utf-8').send(report.text);
  return reply.send(report.json);
}

const formatQuery = { type: 'string', enum: ['json', 'csv', 'text'] } as const;

export function registerReportRoutes(app: FastifyInstance, deps: { reports: ReportService; clock: Clock }): void {
  app.get<{ Querystring: { asOf?: string; format?: Format } }>(
    '/api/reports/section-leader',
    { schema: { querystring: { type: 'object', properties: { asOf: { type: 'string' }, format: formatQuery }, additionalProperties: false } } },
    async (request, reply) => {
      const asOf = request.query.asOf ?? stockholmDate(new Date(deps.clock.now()).toISOString());
      return send(reply, await deps.reports.sectionLeader(asOf), request.query.format);
    },
  );
  app.get<{ Querystring: { quarter: string; format?: Format } }>(
    '/api/reports/evb',
    { schema: { querystring: { type: 'object', required: ['quarter'], properties: { quarter: { type: 'string' }, format: formatQuery }, additionalProperties: false } } },
    async (request, reply) => send(reply, await deps.reports.evb(request.query.quarter), request.query.format),
  );
  app.get<{ Querystring: { month: string; format?: Format } }>(
    '/api/reports/participant-lists',
    { schema: { querystring: { type: 'object', required: ['month'], properties: { month: { type: 'string' }, format: formatQuery }, additionalProperties: false } } },
    async (request, reply) => send(reply, await deps.reports.participantLists(request.query.month), request.query.format),
  );
}
