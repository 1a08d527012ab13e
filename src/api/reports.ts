// GET /api/reports/…: the reports as JSON, or as a CSV download (format=csv) that Excel opens.
// POST /api/reports/participant-lists/:month/forward: the compiled participant lists to the case
// officers (R-MONTHLY-LIST), as an event that routing delivers to their shared inbox.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { stableId } from '../canonical/envelope.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { ParticipantSummaryData } from '../canonical/schemas/reports.ts';
import type { Clock } from '../clock.ts';
import type { ParticipantListReport } from '../reports/participant-list.ts';
import type { ReportService, RenderedReport } from '../reports/service.ts';
import { stockholmDate } from '../reports/order-states.ts';
import { Accepted, problems, Report, SECURED_PROBLEMS } from './schemas.ts';

type Format = 'json' | 'csv' | 'text';

function send(reply: FastifyReply, report: RenderedReport, format: Format = 'json'): FastifyReply {
  if (format === 'csv') {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${report.name}.csv"`).send(report.csv);
  }
  if (format === 'text') return reply.type('text/plain; charset=utf-8').send(report.text);
  return reply.send(report.json);
}

const formatQuery = { type: 'string', enum: ['json', 'csv', 'text'], description: 'json (default), csv (for Excel) or text' } as const;
const reportResponses = { 200: Report, ...SECURED_PROBLEMS, ...problems(400) };

/** The event's data: units, counts and the Swedish text; no personal data. */
function summaryData(report: ParticipantListReport, text: string): ParticipantSummaryData {
  return {
    month: report.month,
    units: report.units.map((r) => ({ unit: r.unit, visitors: r.visitors, queued: r.queued, vacancies: r.vacancies, reported: r.reported })),
    totals: { ...report.totals },
    missing: report.missing.map((u) => u.name),
    text,
  };
}

export function registerReportRoutes(app: FastifyInstance, deps: { reports: ReportService; clock: Clock; publisher: EventPublisher }): void {
  app.get<{ Querystring: { asOf?: string; format?: Format } }>(
    '/api/reports/section-leader',
    {
      config: { access: 'read', personalData: true },
      schema: {
        summary: "The section leader's monthly review (R-EXEC-3M, R-ORDER-ONE-ACTIVE); pseudonymous client ids, audited",
        querystring: { type: 'object', properties: { asOf: { type: 'string', description: 'YYYY-MM-DD, default today (Stockholm)' }, format: formatQuery }, additionalProperties: false },
        response: reportResponses,
      },
    },
    async (request, reply) => {
      const asOf = request.query.asOf ?? stockholmDate(new Date(deps.clock.now()).toISOString());
      return send(reply, await deps.reports.sectionLeader(asOf), request.query.format);
    },
  );
  app.get<{ Querystring: { quarter: string; format?: Format } }>(
    '/api/reports/evb',
    {
      config: { access: 'read', personalData: true },
      schema: {
        summary: 'The quarterly report to IVO of decisions not executed within three months (birth dates: audited)',
        querystring: { type: 'object', required: ['quarter'], properties: { quarter: { type: 'string', description: 'YYYYQn, e.g. 2026Q3' }, format: formatQuery }, additionalProperties: false },
        response: reportResponses,
      },
    },
    async (request, reply) => send(reply, await deps.reports.evb(request.query.quarter), request.query.format),
  );
  app.get<{ Querystring: { month: string; format?: Format } }>(
    '/api/reports/participant-lists',
    {
      config: { access: 'read' },
      schema: {
        summary: "The coordinator's compilation of the day centres' month-end participant lists (R-MONTHLY-LIST)",
        querystring: { type: 'object', required: ['month'], properties: { month: { type: 'string', description: 'YYYY-MM' }, format: formatQuery }, additionalProperties: false },
        response: reportResponses,
      },
    },
    async (request, reply) => send(reply, await deps.reports.participantLists(request.query.month), request.query.format),
  );
  app.post<{ Params: { month: string } }>(
    '/api/reports/participant-lists/:month/forward',
    {
      config: { access: 'operate' },
      schema: {
        summary: "Send a month's compilation to the case officers' shared inbox (R-MONTHLY-LIST)",
        params: { type: 'object', required: ['month'], properties: { month: { type: 'string', description: 'YYYY-MM' } } },
        response: { 202: Accepted, ...SECURED_PROBLEMS, ...problems(400, 503) },
      },
    },
    async (request, reply) => {
      const { month } = request.params;
      const rendered = await deps.reports.participantLists(month);
      const { text } = rendered;
      // The same compilation forwarded twice is one event, hence one delivery.
      const sha = createHash('sha256').update(text).digest('hex');
      const event = deps.publisher.create({
        id: stableId('participant-summary', month, sha),
        type: EVENT_TYPES.participantSummary,
        source: '/api/reports',
        subject: `participants:${month}`,
        data: summaryData(rendered.json as ParticipantListReport, text),
      });
      await deps.publisher.publish([event]);
      request.log.info({ month, eventId: event.id }, 'participant lists forwarded to the case officers');
      return reply.code(202).send({ accepted: true, eventId: event.id });
    },
  );
}
