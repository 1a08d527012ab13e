// Delivers canonical events to Paraply's endpoint, one SOAP request per POST. The message id in
// Header/Meddelandeinfo/Id is derived from the delivery id (as Paraply's own messages carry
// theirs), so every retry is the same message to Paraply. One attempt; the lane retries.
import { BryggaError } from '../../src/errors.ts';
import type { DeliveryChannel, DeliveryRequest } from '../../src/routing/channel.ts';
import { describeNoAnswer } from '../../src/routing/http-failure.ts';
import { AnswerBrokeOff, HttpPoster, isSuccessful, type HttpAnswer } from '../../src/routing/http-post.ts';
import { readParaplyAnswer, renderParaplyRequest, soapActionOf } from './outbound.ts';
import type { Fault } from './soap.ts';

export interface ParaplyChannelOptions {
  endpoint: string;
  timeoutMs: number;
}

/** 408 and 429 mean "later"; other 4xx mean Paraply refuses this message as it is. */
const isRetryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/**
 * A client fault (the message is wrong), VersionMismatch or MustUnderstand will fail the same way
 * again: not retried. A server fault, or any code Paraply makes up, is Paraply's trouble: retried.
 */
const isRetryableFault = (fault: Fault): boolean => !/^(Client|VersionMismatch|MustUnderstand)(\.|$)/.test(fault.code);

// The faultstring is kept for the operator, but a personnummer in it would end in the trace and logs.
const PERSONNUMMER_LIKE = /(?<!\d)(\d{6}|\d{8})[-+]?\d{4}(?!\d)/g;
export const faultstringShown = (faultstring: string): string => faultstring.replace(PERSONNUMMER_LIKE, '[personnummer]').slice(0, 500);

export class ParaplyChannel implements DeliveryChannel {
  readonly system = 'paraply';

  private readonly poster: HttpPoster;

  constructor(private readonly options: ParaplyChannelOptions) {
    this.poster = new HttpPoster(options);
  }

  async deliver(request: DeliveryRequest): Promise<{ receipt?: string }> {
    const { operation, body } = renderParaplyRequest(request.event, request.deliveryId, request.requestedAt);
    let response: HttpAnswer;
    try {
      response = await this.poster.post(body, { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapActionOf(operation)}"` });
    } catch (cause) {
      const what = cause instanceof AnswerBrokeOff ? `Paraply's answer to ${operation} broke off` : `Paraply did not answer ${operation}`;
      throw new BryggaError('BRY_DELIVERY_FAILED', `${what}: ${describeNoAnswer(cause, this.options.timeoutMs)}`, [], { cause });
    }
    const answer = readParaplyAnswer(response.body, response.contentType);
    if ('fault' in answer && answer.fault) {
      const { fault } = answer;
      const code = isRetryableFault(fault) ? 'BRY_DELIVERY_FAILED' : 'BRY_DELIVERY_REJECTED';
      throw new BryggaError(code, `Paraply answered ${operation} with a SOAP Fault (${fault.code || 'no faultcode'}, HTTP ${response.status}): ${faultstringShown(fault.faultstring)}`);
    }
    if (!isSuccessful(response.status)) {
      const code = isRetryableStatus(response.status) ? 'BRY_DELIVERY_FAILED' : 'BRY_DELIVERY_REJECTED';
      throw new BryggaError(code, `Paraply answered ${operation} with HTTP ${response.status}`);
    }
    // A 2xx that is not a SOAP answer (a proxy's page) is no proof Paraply has it: try again.
    if ('unreadable' in answer) throw new BryggaError('BRY_DELIVERY_FAILED', `Paraply answered ${operation} with HTTP ${response.status} but no SOAP envelope`);
    return answer.receipt ? { receipt: answer.receipt } : {};
  }

  close(): void {
    this.poster.close();
  }
}
