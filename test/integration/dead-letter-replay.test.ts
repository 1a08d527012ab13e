// A dead letter replayed through its connector once the mapping is fixed: the message the intake
// refused (here: a message type the mapping did not know yet) goes through the fixed parse and the
// same intake, is accepted, its events are on the bus and the replay is recorded beside the dead
// letter. And what cannot be replayed says why. Embedded bus and store, no HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecare } from '../../connectors/lifecare/index.ts';
import { EmbeddedBus } from '../../src/bus/embedded.ts';
import { fromBusRecord, type CloudEvent } from '../../src/canonical/envelope.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { EventPublisher } from '../../src/canonical/publisher.ts';
import { systemClock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import type { Connector } from '../../src/connectors/connector.ts';
import { createIntake } from '../../src/connectors/intake.ts';
import { DeadLetterIndex } from '../../src/dead-letters/dead-letter-index.ts';
import { DeadLetterReplayer, currentInbox } from '../../src/dead-letters/replay.ts';
import { BryggaError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { createMetrics } from '../../src/metrics.ts';
import { DeadLetters } from '../../src/routing/dead-letters.ts';
import { InboxDirectory } from '../../src/routing/inboxes.ts';
import { EmbeddedStore } from '../../src/store/embedded.ts';
import { lifecareExample } from '../support/examples.ts';
import { testLogDestination } from '../support/logs.ts';
import { waitFor } from '../support/wait.ts';

describe('dead-letter replay through the connector (embedded)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brygga-replay-'));
  const logger = createLogger({ level: 'info', destination: testLogDestination() });
  const config = loadConfig(DEFAULT_CONFIG_FILE, { LIFECARE_URL: 'http://127.0.0.1:9/lifecare', BRYGGA_PSEUDONYM_KEY: 'test-pseudonym-key-0123456789' });
  const bus = new EmbeddedBus({ dataDir: join(dataDir, 'bus'), logger });
  const store = new EmbeddedStore({ dataDir: join(dataDir, 'store') });
  const metrics = createMetrics();
  const publisher = new EventPublisher(bus, systemClock);
  const connectorContext = {
    intake: createIntake({ publisher, deadLetters: new DeadLetters(publisher, metrics, systemClock.now), metrics, logger }),
    clock: systemClock, logger, pseudonymKey: config.pseudonymKey, maxBytes: config.maxBodyBytes,
  };
  const index = new DeadLetterIndex({ bus, kv: store, retentionMs: config.deadLetters.retentionMs });
  const directory = new InboxDirectory(config);
  const noReplay: Connector = { system: 'mail', configSchema: lifecare.configSchema };
  const replayer = new DeadLetterReplayer({
    index, kv: store, connectorContext, directory, publisher, clock: systemClock,
    // The fixed mapping: Lifecare's connector as it is.
    connectors: [{ connector: lifecare as Connector, config: config.systems.lifecare }, { connector: noReplay, config: {} }],
  });

  beforeAll(async () => {
    await bus.ensureTopics(Object.values(TOPICS).map((name) => ({ name, partitions: 1, retentionMs: -1 })));
    await index.start();
  });
  afterAll(async () => {
    await index.stop();
    await bus.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A message the intake refused, as a mapping that did not know its type yet refused it. */
  async function refused(system: string, original: Buffer): Promise<string> {
    const outcome = await connectorContext.intake({
      system, original, contentType: 'application/xml',
      parse: () => {
        throw new BryggaError('BRY_UNKNOWN_MESSAGE_TYPE', 'Huvud/Typ: not a type this connector maps');
      },
    });
    if (outcome.accepted) throw new Error('expected a refusal');
    await waitFor(() => index.get(outcome.deadLetterId), (d) => d !== undefined, 'the dead letter indexed');
    return outcome.deadLetterId;
  }

  it('after the mapping fix the replayed message is accepted, its events are on the bus, and the replay is recorded', async () => {
    const id = await refused('lifecare', lifecareExample('bestallning.xml', { beslutsId: 'B-REPLAY-1' }));
    const result = await replayer.replay(id);
    expect(result).toMatchObject({ outcome: 'accepted', deadLetterId: id });
    const events: CloudEvent[] = [];
    await bus.readAll(TOPICS.orderEvents, (r) => void events.push(fromBusRecord(r)));
    expect(events.filter((e) => result.eventIds!.includes(e.id)).map((e) => e.type)).toEqual(['se.brygga.order.placed.v1']);
    expect(await index.replayOf(id)).toMatchObject({ outcome: 'accepted', eventIds: result.eventIds });
    const page = await index.list({ system: 'lifecare' }, 10);
    expect(page.deadLetters.map((d) => [d.id, d.replay?.outcome])).toEqual([[id, 'accepted']]);
  });

  it('a connector that does not replay, and an unknown id, are refused with why', async () => {
    const id = await refused('mail', Buffer.from('Subject: MOTTAGEN\r\n\r\nMOTTAGEN\r\n'));
    await expect(replayer.replay(id)).rejects.toThrow('the mail connector does not replay its dead letters');
    await expect(replayer.replay('no-such-id')).rejects.toMatchObject({ code: 'BRY_NOT_FOUND' });
  });

  it('a delivery is re-addressed to the inbox as the configuration names it now', () => {
    const provider = config.providers[0]!;
    const unit = provider.units[0]!;
    const stale = { kind: 'unit' as const, system: 'lifecare', addressType: 'INKORG', addressName: 'Gammalt namn' };
    expect(currentInbox(directory, { ...stale, inboxId: `unit:${unit.id}` })).toEqual(directory.unit(unit));
    expect(currentInbox(directory, { ...stale, kind: 'central', inboxId: `${provider.id}:central` })).toEqual(directory.central(provider));
    expect(currentInbox(directory, { ...stale, kind: 'coordinator', inboxId: `${provider.id}:coordinator` })).toEqual(directory.coordinator(provider));
    expect(currentInbox(directory, { ...stale, kind: 'feeAdministrator', inboxId: 'fee-administrator' })).toEqual(directory.feeAdministrator());
    const officer = directory.caseOfficer('lifecare', 'bih-4711');
    expect(currentInbox(directory, officer)).toEqual(officer);
  });
});
