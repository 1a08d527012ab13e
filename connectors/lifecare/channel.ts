// Delivers canonical events to Lifecare's integration endpoint, one <Meddelande> per POST.
// The MeddelandeId is derived from the delivery id, so every retry is the same message to
// Lifecare, which treats a repeated MeddelandeId as the same message.
import { BryggaError } from '../../src/errors.ts';
import type { DeliveryChannel, DeliveryRequest } from '../../src/routing/channel.ts';
import { describeNoAnswer } from '../../src/routing/http-failure.ts';
import { AnswerBrokeOff, HttpPoster, isSuccessful, type HttpAnswer } from '../../src/routing/http-post.ts';
import { parseLifecareReceipt, renderLifecareMessage } from './outbound.ts';

export interface LifecareChannelOptions {
  endpoint: string;
  timeoutMs: number;
}

export const meddelandeIdFor = (deliveryId: string): string => `BRY-${deliveryId}`;

/** 408 and 429 mean "later"; other 4xx mean Lifecare refuses this message as it is. */
const isRetryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

export class LifecareChannel implements DeliveryChannel {
  readonly system = 'lifecare';

  private readonly poster: HttpPoster;

  constructor(private readonly options: LifecareChannelOptions) {
    this.poster = new HttpPoster(options);
  }

  async deliver(request: DeliveryRequest): Promise<{ receipt?: string }> {
    const body = renderLifecareMessage(request.event, request.inbox, meddelandeIdFor(request.deliveryId), request.requestedAt);
    let response: HttpAnswer;
    try {
      response = await this.poster.post(body, { 'content-type': 'application/xml; charset=utf-8' });
    } catch (cause) {
      const what = cause instanceof AnswerBrokeOff ? 'Lifecare\'s answer broke off' : 'Lifecare did not answer';
      throw new BryggaError('BRY_DELIVERY_FAILED', `${what}: ${describeNoAnswer(cause, this.options.timeoutMs)}`, [], { cause });
    }
    if (isSuccessful(response.status)) {
      const receipt = parseLifecareReceipt(response.body.toString('utf8'));
      return receipt ? { receipt } : {};
    }
    const code = isRetryableStatus(response.status) ? 'BRY_DELIVERY_FAILED' : 'BRY_DELIVERY_REJECTED';
    throw new BryggaError(code, `Lifecare answered HTTP ${response.status}`);
  }

  close(): void {
    this.poster.close();
  }
}
