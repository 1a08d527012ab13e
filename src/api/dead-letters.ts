// GET /api/dead-letters: what a stage could not process, newest first, filtered by stage, system
// and time, paged by cursor; the problems (`include=error`) and original bytes (`include=original`,
// base64) only when asked for. POST /api/dead-letters/{id}/replay: after a fix, see
// src/dead-letters/replay.ts.
import type { FastifyInstance } from 'fastify';
import type { DeadLetterIndex, DeadLetterRecord } from '../dead-letters/dead-letter-index.ts';
import type { DeadLetterReplayer } from '../dead-letters/replay.ts';
import { BryggaError } from '../errors.ts';

interface ListQuery {
  stage?: string;
  system?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
  include?: string;
}

const INCLUDES = ['error', 'original'] as const;
// Declared apart (not inline) so the declaration reads the same on every route of this file.
const READ_PERSONAL = { access: 'read', personalData: true } as const;
const OPERATE = { access: 'operate' } as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stage: { type: 'string', pattern: '^[a-z][a-z0-9-]*(:[a-z0-9-]+)*$', maxLength: 60 },
    system: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    cursor: { type: 'string', pattern: '^[0-9]{1,12}$' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    include: { type: 'string', pattern: '^(error|original)(,(error|original))?$' },
  },
} as const;

/** A dead letter as listed: without problems and bytes unless asked for. */
function view(letter: DeadLetterRecord & { replay?: unknown }, include: ReadonlySet<string>): Record<string, unknown> {
  const { problems, originalBase64, ...summary } = letter;
  return {
    ...summary,
    codes: [...new Set(problems.map((p) => p.code))],
    ...(include.has('error') ? { problems } : {}),
    ...(include.has('original') ? { originalBase64 } : {}),
  };
}

export function registerDeadLetterRoutes(app: FastifyInstance, deps: { deadLetters: DeadLetterIndex; replayer: DeadLetterReplayer }): void {
  app.get<{ Querystring: ListQuery }>(
    '/api/dead-letters',
    { schema: { querystring: listQuery }, config: READ_PERSONAL },
    async (request) => {
      const { stage, system, from, to, cursor, limit = 50, include } = request.query;
      const fromMs = from === undefined ? undefined : Date.parse(from);
      const toMs = to === undefined ? undefined : Date.parse(to);
      if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) throw new BryggaError('BRY_BAD_REQUEST', 'to: must be later than from');
      const page = await deps.deadLetters.list(
        { ...(stage ? { stage } : {}), ...(system ? { system } : {}), ...(fromMs !== undefined ? { from: fromMs } : {}), ...(toMs !== undefined ? { to: toMs } : {}) },
        limit,
        cursor === undefined ? undefined : Number(cursor),
      );
      const wanted = new Set((include ?? '').split(',').filter((i) => (INCLUDES as readonly string[]).includes(i)));
      return { deadLetters: page.deadLetters.map((d) => view(d, wanted)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { include?: string } }>(
    '/api/dead-letters/:id',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { include: listQuery.properties.include } } }, config: READ_PERSONAL },
    async (request) => {
      const letter = await deps.deadLetters.get(request.params.id);
      if (!letter) throw new BryggaError('BRY_NOT_FOUND', 'no dead letter with that id (or retention removed it)');
      const replay = await deps.deadLetters.replayOf(letter.id);
      const wanted = new Set(['error', ...(request.query.include ?? '').split(',')]);
      return view(replay ? { ...letter, replay } : letter, wanted);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/dead-letters/:id/replay',
    { config: OPERATE },
    async (request, reply) => {
      const result = await deps.replayer.replay(request.params.id);
      request.log.info({ deadLetterId: result.deadLetterId, outcome: result.outcome, eventIds: result.eventIds, code: result.errorCode }, 'dead letter replayed');
      // Refused again: the problem says why, and the dead letter stays with the new problems.
      if (result.outcome === 'refused') return reply.code(422).send(result);
      return reply.code(202).send(result);
    },
  );
}
