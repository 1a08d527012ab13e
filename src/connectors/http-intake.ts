// An inbound HTTP route that takes a system's message as bytes and hands it to the intake:
// 202 with the event ids once they are on the bus; a refusal → problem+json naming every fault,
// the original bytes dead-lettered. Lifecare posts here; any connector that takes whole
// documents over HTTP can.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendProblem } from '../api/problem.ts';
import { Accepted, problems, SECURED_PROBLEMS } from '../api/schemas.ts';
import type { CloudEvent } from '../canonical/envelope.ts';
import { BryggaError } from '../errors.ts';
import type { ConnectorContext, ParseContext } from './connector.ts';

export interface HttpIntakeRoute {
  /** The connector's system: the path is `/connectors/<system>/messages`. */
  system: string;
  /** The media types the endpoint takes (lower case, without parameters); any other is refused with 415. */
  mediaTypes: readonly string[];
  parse(body: Buffer, contentType: string | undefined, ctx: ParseContext): CloudEvent[];
}

/** The media type of a Content-Type header, lower case, without parameters; '' when there is none. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A Content-Type the route does not take, named when it looks like one (never arbitrary header text). */
function unsupportedMediaType(route: HttpIntakeRoute, contentType: string | undefined): BryggaError {
  const mediaType = mediaTypeOf(contentType);
  const accepted = route.mediaTypes.join(' or ');
  const what = mediaType === '' ? 'a body without Content-Type' : /^[a-z0-9!#$&^_.+-]{1,60}\/[a-z0-9!#$&^_.+-]{1,60}$/.test(mediaType) ? mediaType : 'this Content-Type';
  return new BryggaError('BRY_UNSUPPORTED_MEDIA_TYPE', `${what} is not accepted here: send ${accepted}`);
}

/**
 * Makes every body in this (encapsulated) scope reach its handler as the bytes sent, whatever its
 * Content-Type (even one Fastify cannot parse), so that a refused one is dead-lettered as it came:
 * the header is taken aside before Fastify looks at it, and one parser takes any body as a
 * buffer. Returns how a handler reads the body and the Content-Type that came with it.
 */
export function takeBodiesAsSent(scope: FastifyInstance, maxBytes: number): (request: FastifyRequest) => { original: Buffer; contentType?: string } {
  const contentTypes = new WeakMap<object, string | undefined>();
  scope.addHook('onRequest', async (request) => {
    contentTypes.set(request.raw, request.raw.headers['content-type']);
    delete request.raw.headers['content-type'];
  });
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
  return (request) => ({ original: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), contentType: contentTypes.get(request.raw) });
}

/** What the route does with a body: its media type checked, then parsed (also a dead letter's replay). */
export function parseHttpIntake(route: HttpIntakeRoute, original: Buffer, contentType: string | undefined, ctx: ParseContext): CloudEvent[] {
  if (!route.mediaTypes.includes(mediaTypeOf(contentType))) throw unsupportedMediaType(route, contentType);
  return route.parse(original, contentType, ctx);
}

export function registerHttpIntake(app: FastifyInstance, route: HttpIntakeRoute, ctx: ConnectorContext): void {
  void app.register(async (scope) => {
    const bodyOf = takeBodiesAsSent(scope, ctx.maxBytes);
    const schema = {
      summary: `A ${route.system} message (${route.mediaTypes.join(' or ')}), taken once its events are on the bus`,
      response: { 202: Accepted, ...SECURED_PROBLEMS, ...problems(400, 413, 415, 503) },
    };
    scope.post(`/connectors/${route.system}/messages`, { schema }, async (request, reply) => {
      const { original, contentType } = bodyOf(request);
      const outcome = await ctx.intake({
        system: route.system,
        original,
        contentType,
        parse: () => parseHttpIntake(route, original, contentType, { receivedAt: ctx.clock.now(), pseudonymKey: ctx.pseudonymKey, maxBytes: ctx.maxBytes }),
      });
      if (!outcome.accepted) return sendProblem(reply, outcome.error, { deadLetterId: outcome.deadLetterId });
      const { events } = outcome;
      return reply.code(202).send({ accepted: true, orderId: events[0]?.subject, eventIds: events.map((e) => e.id) });
    });
  });
}
