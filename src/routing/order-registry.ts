// What the router remembers of each order and client between events: who the case officer is,
// where the order came from, and at which unit a client is placed. Ids only, no personal data.
import type { KeyValueStore } from '../store/store.ts';

export interface OrderSummary {
  orderId: string;
  system: string;
  reference: string;
  caseOfficerId?: string;
  clientId?: string;
  providerId: string;
  homeCareTeam?: string;
  /** False when the order's provider is outside every system (R-ORDER-FAX-FALLBACK). */
  providerConnected?: boolean;
  /** The unit this order lives at: where its follow-up went, or where its start was confirmed. */
  unitId?: string;
}

export class OrderRegistry {
  constructor(private readonly kv: KeyValueStore) {}

  async remember(order: OrderSummary): Promise<void> {
    await this.kv.set(`order:${order.orderId}`, JSON.stringify(order));
  }

  async find(orderId: string): Promise<OrderSummary | undefined> {
    const raw = await this.kv.get(`order:${orderId}`);
    return raw ? (JSON.parse(raw) as OrderSummary) : undefined;
  }

  /** R-ORDER-CENTRAL-INBOX: a client counts as placed once a unit confirmed the start. */
  async placeClient(clientId: string, unitId: string): Promise<void> {
    await this.kv.set(`placement:${clientId}`, unitId);
  }

  async placementOf(clientId: string): Promise<string | undefined> {
    return this.kv.get(`placement:${clientId}`);
  }

  async unplaceClient(clientId: string): Promise<void> {
    await this.kv.delete(`placement:${clientId}`);
  }
}
