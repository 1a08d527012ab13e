// Replays a dead letter once its cause is fixed. A message a connector refused goes through that
// connector's parse and the one intake again, so a fixed mapping or configuration now accepts it
// (a refusal again leaves it a dead letter, with the new problems). A delivery that gave up is
// requested again under the same delivery id, addressed to its inbox as the configuration now
// says. Either way the replay is recorded beside the dead letter.
import { requestAgain } from '../api/replay.ts';
import type { EventPublisher } from '../canonical/publisher.ts';
import type { DeliveryRequestedData } from '../canonical/schemas/index.ts';
import type { Clock } from '../clock.ts';
import type { ActiveConnector, ConnectorContext } from '../connectors/connector.ts';
import { problemsOf } from '../connectors/intake.ts';
import { BryggaError } from '../errors.ts';
import { deliveredKey } from '../routing/delivery-worker.ts';
import type { InboxDirectory, InboxTarget } from '../routing/inboxes.ts';
import type { KeyValueStore } from '../store/store.ts';
import { replayCauseKey, type DeadLetterIndex, type DeadLetterRecord, type ReplayRecord } from './dead-letter-index.ts';

export interface ReplayDeps {
  index: DeadLetterIndex;
  kv: KeyValueStore;
  connectors: ActiveConnector[];
  connectorContext: ConnectorContext;
  directory: InboxDirectory;
  publisher: EventPublisher;
  clock: Clock;
}

const CAUSE_KEEP_MS = 30 * 24 * 3600 * 1000;

export type ReplayResult = ReplayRecord & { deadLetterId: string; problems?: DeadLetterRecord['problems'] };

/** The inbox as the configuration now has it (an address corrected since); one it does not configure stays as it was. */
export function currentInbox(directory: InboxDirectory, inbox: InboxTarget): InboxTarget {
  const [head, rest] = [inbox.inboxId.slice(0, inbox.inboxId.indexOf(':')), inbox.inboxId.slice(inbox.inboxId.indexOf(':') + 1)];
  if (inbox.inboxId === 'fee-administrator') return directory.feeAdministrator();
  if (inbox.inboxId === 'section-leader') return directory.sectionLeader();
  if (inbox.inboxId === 'case-officers') return directory.caseOfficers();
  if (head === 'unit') {
    const found = directory.unitById(rest);
    return found ? directory.unit(found.unit) : inbox;
  }
  const provider = directory.configuredProvider(head);
  if (provider && rest === 'central') return directory.central(provider);
  if (provider && rest === 'coordinator') return directory.coordinator(provider);
  if (provider && rest === 'fallback') return directory.fallback(provider);
  return inbox;
}

export class DeadLetterReplayer {
  constructor(private readonly deps: ReplayDeps) {}

  async replay(id: string): Promise<ReplayResult> {
    const letter = await this.deps.index.get(id);
    if (!letter) throw new BryggaError('BRY_NOT_FOUND', 'no dead letter with that id (or retention removed it)');
    const original = Buffer.from(letter.originalBase64, 'base64');
    const at = new Date(this.deps.clock.now()).toISOString();
    let replay: ReplayRecord;
    let problems: DeadLetterRecord['problems'] | undefined;
    if (letter.stage.startsWith('connector:')) {
      const outcome = await this.deps.connectorContext.intake({
        system: letter.system,
        original,
        ...(letter.contentType ? { contentType: letter.contentType } : {}),
        parse: this.parserOf(letter, original),
        replayOf: letter.id,
      });
      if (outcome.accepted) {
        replay = { at, outcome: 'accepted', eventIds: outcome.events.map((e) => e.id) };
      } else {
        replay = { at, outcome: 'refused', errorCode: outcome.error.code };
        problems = problemsOf(outcome.error);
      }
    } else if (letter.stage === 'delivery') {
      const request = JSON.parse(original.toString('utf8')) as DeliveryRequestedData;
      if (await this.deps.kv.get(deliveredKey(request.deliveryId))) {
        throw new BryggaError('BRY_ALREADY_DELIVERED', 'the receiving system already acknowledged this delivery');
      }
      const data = { ...request, inbox: currentInbox(this.deps.directory, request.inbox as InboxTarget) };
      // Noted before the request is on the bus, so that a dead letter of this attempt lands on this one.
      const sent = await requestAgain(this.deps, data, '/api/dead-letters/replay', (eventId) => this.deps.kv.set(replayCauseKey(eventId), letter.id, CAUSE_KEEP_MS));
      replay = { at, outcome: 'accepted', eventIds: [sent.id] };
    } else {
      throw new BryggaError('BRY_BAD_REQUEST', `dead letters of stage ${letter.stage} cannot be replayed`);
    }
    await this.deps.index.recordReplay(letter.id, replay);
    return { ...replay, deadLetterId: letter.id, ...(problems ? { problems } : {}) };
  }

  private parserOf(letter: DeadLetterRecord, original: Buffer): () => ReturnType<NonNullable<ActiveConnector['connector']['replayParse']>> {
    const active = this.deps.connectors.find((c) => c.connector.system === letter.system);
    const replayParse = active?.connector.replayParse;
    if (!active || !replayParse) {
      throw new BryggaError('BRY_BAD_REQUEST', active ? `the ${letter.system} connector does not replay its dead letters` : `no connector for system ${letter.system} is configured`);
    }
    const { clock, pseudonymKey, maxBytes } = this.deps.connectorContext;
    return () => replayParse(original, letter.contentType, active.config, { receivedAt: clock.now(), pseudonymKey, maxBytes });
  }
}
