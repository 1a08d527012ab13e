// Writes what could not be processed to the dead-letter topic with its original bytes, so
// nothing is silently dropped and an operator can see and replay it.
import { stableId } from '../canonical/envelope.ts';
import { EVENT_TYPES } from '../canonical/event-types.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { FieldProblem } from '../errors.ts';
import type { Metrics } from '../metrics.ts';

export interface DeadLetterInput {
  stage: string;
  original: Buffer;
  contentType?: string;
  problems: FieldProblem[];
  /** The order it concerns, when known; otherwise the dead letter is keyed by its own id. */
  orderId?: string;
  causationId?: string;
}

export class DeadLetters {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly metrics: Metrics,
    private readonly now: () => number,
  ) {}

  /** Resolves with the dead letter's id once it is durably on the bus. */
  async record(input: DeadLetterInput): Promise<string> {
    const receivedAt = new Date(this.now()).toISOString();
    const id = stableId('deadletter', input.stage, input.causationId ?? receivedAt, input.original.toString('base64'));
    const event = this.publisher.create({
      id,
      type: EVENT_TYPES.deadLetter,
      source: `/brygga/${input.stage}`,
      subject: input.orderId ?? `deadletter:${id}`,
      causationid: input.causationId,
      data: {
        stage: input.stage,
        receivedAt,
        ...(input.contentType ? { contentType: input.contentType } : {}),
        originalBase64: input.original.toString('base64'),
        problems: input.problems,
        ...(input.causationId ? { causationId: input.causationId } : {}),
      },
    });
    await this.publisher.publish([event]);
    this.metrics.deadLetters.inc({ stage: input.stage });
    return id;
  }
}
