// The connector port: what one integrated system brings to Brygga. Each system is one folder
// under connectors/ exporting a Connector; connectors/index.ts lists them, and the composition
// root and the configuration schema loop over that list, so adding a system is a folder, one
// line in the list and a block under `systems` in the configuration.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CloudEvent } from '../canonical/envelope.ts';
import type { Clock } from '../clock.ts';
import type { ReviewList } from '../review/review-list.ts';
import type { DeliveryChannel } from '../routing/channel.ts';
import type { Intake } from './intake.ts';

/** What a connector gets from Brygga to do its work. */
export interface ConnectorContext {
  /** Every inbound path hands its bytes here (parse, dead-letter, publish, count). */
  intake: Intake;
  clock: Clock;
  logger: Logger;
  /** HMAC key turning a personnummer into a pseudonymous client id. */
  pseudonymKey: string;
  /** Largest inbound message, attachments included. */
  maxBytes: number;
  /** Where a poller keeps a message that matched no order, or several, for a person. */
  reviews?: ReviewList;
}

/** What a parser needs besides the bytes. */
export interface ParseContext {
  /** When Brygga received the message, epoch ms: the "today" of personnummer centuries. */
  receivedAt: number;
  /** Key of the HMAC that turns a personnummer into the client id. */
  pseudonymKey: string;
  /** Largest body accepted, attachments included. */
  maxBytes: number;
}

/** A loop that fetches messages by itself (a folder poller, a mailbox reader). */
export interface Poller {
  start(): Promise<void>;
  /** Stops fetching; resolves once the message in hand is finished. */
  stop(): Promise<void>;
}

export interface Connector<C = unknown> {
  /** Short name: the key under `systems` in the configuration, the inbox `system`, path segment, metrics label. */
  readonly system: string;
  /** The shape of its block under `systems.<system>`; the connector is on when the block is there. */
  readonly configSchema: TSchema;
  /**
   * Registers its inbound HTTP routes (under `/connectors/<system>/`), in a scope where every route
   * takes this system's key (`connector:<system>`, src/api/access.ts) unless it declares its own access.
   */
  routes?(app: FastifyInstance, config: C, ctx: ConnectorContext): void;
  /** Its pollers, started after the stages and stopped before them. */
  pollers?(config: C, ctx: ConnectorContext): Poller[];
  /**
   * Parses bytes as its inbound path does, to replay a dead letter after a mapping or
   * configuration fix (the intake then dead-letters or publishes them as for a new message).
   */
  replayParse?(original: Buffer, contentType: string | undefined, config: C, ctx: ParseContext): CloudEvent[];
  /** Delivers to the system's inboxes. */
  channel?(config: C, ctx: ConnectorContext): DeliveryChannel;
  /** A message from the review list read as if it had named this order: the events it then gives, or a BryggaError. */
  attachFromReview?(config: C, original: Buffer, receivedAt: number, orderId: string): Promise<CloudEvent[]>;
  /** A message from the review list as a person reads it (a mail: subject, date, text). */
  readForReview?(original: Buffer): Promise<Record<string, string>>;
}

/** A connector whose block is in the configuration, with that block. */
export interface ActiveConnector {
  connector: Connector;
  config: unknown;
}

/** The connectors the configuration turns on (`systems.<system>` present). */
export function activeConnectors(connectors: readonly Connector[], systems: Record<string, unknown>): ActiveConnector[] {
  return connectors.filter((c) => systems[c.system] !== undefined).map((connector) => ({ connector, config: systems[connector.system] }));
}
