// The one way into Brygga for every inbound path (an HTTP route, a folder poller, a mailbox
// reader): parse → on refusal, dead-letter the original bytes → publish durably → count. A
// message is accepted only once its events are on the bus.
import type { Logger } from 'pino';
import type { CloudEvent } from '../canonical/envelope.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import { BryggaError, type FieldProblem } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { DeadLetters } from '../routing/dead-letters.ts';

export interface IntakeInput {
  /** The connector's system, e.g. `lifecare`: the dead-letter stage and the metrics label. */
  system: string;
  /** The bytes as they came, kept whole in a dead letter. */
  original: Buffer;
  contentType?: string;
  /** Turns the bytes into canonical events, or throws a BryggaError naming every fault. */
  parse: () => CloudEvent[];
  /** The dead letter these bytes are replayed from: a refusal is its causation, not a new dead letter. */
  replayOf?: string;
}

export type IntakeOutcome =
  | { accepted: true; events: CloudEvent[] }
  | { accepted: false; error: BryggaError; deadLetterId: string };

export type Intake = (input: IntakeInput) => Promise<IntakeOutcome>;

/** A refusal's problems as a dead letter keeps them: its own, or the error itself as one about the whole message. */
export function problemsOf(error: BryggaError): FieldProblem[] {
  return error.problems.length > 0 ? error.problems : [{ code: error.code, field: '(message)', rule: 'FORMAT', detail: error.message }];
}

export function createIntake(deps: { publisher: EventPublisher; deadLetters: DeadLetters; metrics: Metrics; logger: Logger }): Intake {
  return async ({ system, original, contentType, parse, replayOf }) => {
    let events: CloudEvent[];
    try {
      events = parse();
    } catch (error) {
      if (!(error instanceof BryggaError)) throw error;
      const problems = problemsOf(error);
      let deadLetterId: string;
      try {
        // The dead letter's contentType is at most 200 characters (its schema); the bytes are whole.
        deadLetterId = await deps.deadLetters.record({ stage: `connector:${system}`, original, contentType: contentType?.slice(0, 200), problems, ...(replayOf ? { causationId: replayOf } : {}) });
      } catch (cause) {
        throw new BryggaError('BRY_BUS_UNAVAILABLE', 'the refused message could not be written to the dead-letter topic; send it again', [], { cause });
      }
      deps.metrics.inbound.inc({ connector: system, outcome: 'refused' });
      deps.logger.warn({ system, code: error.code, fields: problems.map((p) => p.field), deadLetterId }, 'message refused');
      return { accepted: false, error, deadLetterId };
    }
    try {
      await deps.publisher.publish(events);
    } catch (cause) {
      throw new BryggaError('BRY_BUS_UNAVAILABLE', 'the events could not be written to the bus; send the message again', [], { cause });
    }
    deps.metrics.inbound.inc({ connector: system, outcome: 'accepted' });
    deps.logger.info({ system, eventIds: events.map((e) => e.id), types: events.map((e) => e.type), orderId: events[0]?.subject }, 'message accepted');
    return { accepted: true, events };
  };
}
