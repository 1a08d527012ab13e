// Delivers canonical events to Lifecare's integration endpoint, one <Meddelande> per POST.
// The MeddelandeId is derived from the delivery id, so every retry is the same message to
// Lifecare, which treats a repeated MeddelandeId as the same message.
import { BryggaError } from '../../src/errors.ts';
import type { DeliveryChannel, DeliveryRequest } from '../../src/routing/channel.ts';
import { describeNoAnswer } from '../../src/routing/http-failure.ts';
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

  constructor(private readonly options: LifecareChannelOptions) {}

  async deliver(request: DeliveryRequest): Promise<{ receipt?: string }> {
    const body = renderLifecareMessage(request.event, request.inbox, meddelandeIdFor(request.deliveryId), request.requestedAt);
    let response: Response;
    try {
      response = await fetch(this.options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/xml; charset=utf-8' },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      throw new BryggaError('BRY_DELIVERY_FAILED', `Lifecare did not answer: ${describeNoAnswer(cause, this.options.timeoutMs)}`, [], { cause });
    }
    const text = await response.text();
    if (response.ok) {
      const receipt = parseLifecareReceipt(text);
      return receipt ? { receipt } : {};
    }
    const code = isRetryableStatus(response.status) ? 'BRY_DELIVERY_FAILED' : 'BRY_DELIVERY_REJECTED';
    throw new BryggaError(code, `Lifecare answered HTTP ${response.status}`);
  }
}
