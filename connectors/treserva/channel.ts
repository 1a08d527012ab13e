// Delivers canonical events to Treserva as files in its incoming folder: written under a
// temporary name and renamed, so Treserva never reads half a file. The name comes from the
// delivery id, so a retry replaces the same file rather than adding a second one.
import { BryggaError } from '../../src/errors.ts';
import type { DeliveryChannel, DeliveryRequest } from '../../src/routing/channel.ts';
import { describeNoAnswer } from '../../src/routing/http-failure.ts';
import { join, type FileExchange } from './exchange/exchange.ts';
import { renderTreservaFile } from './outbound.ts';

/** The file a delivery is written as: the same on every attempt. */
export const fileNameFor = (deliveryId: string): string => `brygga-${deliveryId}.xml`;

export class TreservaChannel implements DeliveryChannel {
  readonly system = 'treserva';
  private ready = false;

  constructor(
    private readonly exchange: FileExchange,
    private readonly incomingDir: string,
    private readonly timeoutMs: number,
  ) {}

  async deliver(request: DeliveryRequest): Promise<{ receipt?: string }> {
    // Not renderable is not retryable: BRY_DELIVERY_REJECTED from the renderer.
    const body = renderTreservaFile(request.event, request.inbox, request.requestedAt);
    const name = fileNameFor(request.deliveryId);
    try {
      if (!this.ready) {
        await this.exchange.ensureDir(this.incomingDir);
        this.ready = true;
      }
      await this.exchange.write(join(this.incomingDir, name), body);
    } catch (cause) {
      throw new BryggaError('BRY_DELIVERY_FAILED', `Treserva file exchange (${this.exchange.description}) did not take ${name}: ${describeNoAnswer(cause, this.timeoutMs)}`, [], { cause });
    }
    return { receipt: name };
  }
}
