// The port to a receiving system: one delivery attempt of one canonical event to one inbox.
import type { CloudEvent } from '../canonical/envelope.ts';
import type { InboxTarget } from './inboxes.ts';

export interface DeliveryRequest {
  /** Idempotency key: the same delivery always carries the same id (Lifecare: MeddelandeId). */
  deliveryId: string;
  /** When the delivery was first requested; retries send this same time. */
  requestedAt: string;
  inbox: InboxTarget;
  event: CloudEvent;
}

export interface DeliveryChannel {
  readonly system: string;
  /**
   * Makes one attempt. Resolves with the receiver's receipt once the receiver accepted it;
   * rejects with a BryggaError: BRY_DELIVERY_FAILED (retryable) or BRY_DELIVERY_REJECTED.
   */
  deliver(request: DeliveryRequest): Promise<{ receipt?: string }>;
  /** Closes the connections it keeps open between attempts; called once Brygga has stopped delivering. */
  close?(): void;
}
