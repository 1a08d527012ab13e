// Paraply's way in: `POST /connectors/paraply/soap` takes one SOAP 1.1 request, hands its bytes
// to the intake and answers in SOAP: the operation's response once the event is on the bus, or a
// Fault (HTTP 500; 415 for another media type, 413 for a body over the limit) naming what is
// wrong. `GET …/soap?wsdl` gives the WSDL. Never problem+json here: Paraply speaks SOAP.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { DateTime } from 'luxon';
import type { ConnectorContext } from '../../src/connectors/connector.ts';
import { takeBodiesAsSent } from '../../src/connectors/http-intake.ts';
import { BryggaError } from '../../src/errors.ts';
import { readParaplyPost } from './inbound.ts';
import { getPath } from '../../src/connectors/xml-mapping/paths.ts';
import { ZONE } from '../../src/connectors/xml-mapping/values.ts';
import { node } from '../../src/connectors/xml-mapping/writer.ts';
import { envelope, faultEnvelope, serialise, type FaultCode } from './soap.ts';
import { renderWsdl } from './wsdl.ts';

export const SOAP_PATH = '/connectors/paraply/soap';

export interface ParaplyRouteOptions {
  backdatedToleranceMs: number;
}

function sendFault(reply: FastifyReply, status: number, code: FaultCode, error: BryggaError, deadLetterId?: string): FastifyReply {
  return reply
    .code(status)
    .type('text/xml; charset=utf-8')
    .send(faultEnvelope(code, `${error.code}: ${error.message}`, error, deadLetterId));
}

const HTTP_REFUSALS = new Set(['BRY_UNSUPPORTED_MEDIA_TYPE', 'BRY_BODY_TOO_LARGE', 'BRY_UNAUTHENTICATED', 'BRY_FORBIDDEN']);

/** The status a refusal is answered with: SOAP 1.1 says 500; HTTP's own refusals (media type, size, credential) keep theirs. */
const statusOf = (error: BryggaError): number => (HTTP_REFUSALS.has(error.code) ? error.spec.status : 500);

export function registerParaplyRoutes(app: FastifyInstance, options: ParaplyRouteOptions, ctx: ConnectorContext): void {
  void app.register(async (scope) => {
    const bodyOf = takeBodiesAsSent(scope, ctx.maxBytes);

    // Errors before or outside the intake (a body over the limit, the bus down) are SOAP Faults too.
    scope.setErrorHandler((error: FastifyError | BryggaError, request, reply) => {
      if (error instanceof BryggaError) return sendFault(reply, statusOf(error), error.retryable ? 'Server' : 'Client', error);
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendFault(reply, 413, 'Client', new BryggaError('BRY_BODY_TOO_LARGE', `the body exceeds the limit of ${ctx.maxBytes} bytes`));
      const status = error.statusCode ?? 0;
      if (status >= 400 && status < 500) return sendFault(reply, status, 'Client', new BryggaError('BRY_BAD_REQUEST', error.message));
      request.log.error({ err: error }, 'unexpected error');
      return reply.code(500).type('text/xml; charset=utf-8').send(faultEnvelope('Server', 'internal error: send the message again later'));
    });

    scope.get<{ Querystring: Record<string, string | undefined> }>(SOAP_PATH, { schema: { summary: 'The WSDL (GET …/soap?wsdl), text/xml' } }, async (request, reply) => {
      if (!Object.keys(request.query).some((k) => k.toLowerCase() === 'wsdl')) {
        return sendFault(reply, 400, 'Client', new BryggaError('BRY_BAD_REQUEST', `POST SOAP requests here; GET ${SOAP_PATH}?wsdl for the WSDL`));
      }
      const address = `${request.protocol}://${request.host}${SOAP_PATH}`;
      return reply.type('text/xml; charset=utf-8').send(renderWsdl(address));
    });

    scope.post(SOAP_PATH, { schema: { summary: 'A Paraplysystemet SOAP 1.1 request (Bestallning, Avslut); answered in SOAP, a refusal as a Fault' } }, async (request, reply) => {
      const { original, contentType } = bodyOf(request);
      const receivedAt = ctx.clock.now();
      let operation = '';
      const outcome = await ctx.intake({
        system: 'paraply',
        original,
        contentType,
        parse: () => {
          const parsed = readParaplyPost(original, contentType, {
            receivedAt,
            pseudonymKey: ctx.pseudonymKey,
            maxBytes: ctx.maxBytes,
            backdatedToleranceMs: options.backdatedToleranceMs,
          });
          operation = parsed.operation;
          return parsed.events;
        },
      });
      if (!outcome.accepted) return sendFault(reply, statusOf(outcome.error), 'Client', outcome.error, outcome.deadLetterId);
      const event = outcome.events[0]!;
      const answer = node(`${operation}Response`);
      answer.children.push(
        node('BestallningsId', String(getPath(event.data, 'origin.reference'))),
        node('BryggaOrderId', event.subject ?? ''),
        node('Mottagen', DateTime.fromMillis(receivedAt, { zone: ZONE }).toISO({ suppressMilliseconds: true })!),
      );
      return reply.code(200).type('text/xml; charset=utf-8').send(envelope(serialise(answer, '    ')));
    });
  });
}
