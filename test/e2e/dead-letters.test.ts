// Dead letters over HTTP, on both adapter sets: listed by stage, system and time, paged by cursor,
// the original bytes on request; a Lifecare delivery refused because the configuration names an
// inbox Lifecare does not know is replayed after the configuration is fixed and reaches that
// inbox; a refused message replayed unchanged is refused again and stays one dead letter with
// the new problems.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/config/settings.ts';
import type { RunningBrygga } from '../../src/main.ts';
import { ADAPTER_SETS, startTestBrygga, testSettings } from '../support/brygga.ts';
import { exampleConfigReplacing } from '../support/config.ts';
import { lifecareExample } from '../support/examples.ts';
import { getJson, postMessage } from '../support/http.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

const CENTRAL = 'ÄO Dagverksamhet Inkorg';
const MISSPELT = 'ÄO Dagverksamhet Inkrog';

interface Listed {
  id: string;
  stage: string;
  system: string;
  receivedAt: string;
  codes: string[];
  orderId?: string;
  problems?: { code: string; field: string }[];
  originalBase64?: string;
  failedReplays?: number;
  replay?: { outcome: string; at: string };
}
type Page = { deadLetters: Listed[]; nextCursor?: string };

describe.each(ADAPTER_SETS)('dead letters (%s)', (adapters) => {
  const lifecare = new LifecareStandIn();
  let settings: Settings;
  let brygga: RunningBrygga;
  const list = (query = '') => getJson<Page>(`${brygga.url}/api/dead-letters${query}`);
  const order = lifecareExample('bestallning.xml', { beslutsId: `B-DL-${adapters === 'embedded' ? 1 : 2}` });
  const refused = Buffer.from(order.toString('utf8').replace(/<DagarPerVecka>[^<]*<\/DagarPerVecka>/, ''));

  beforeAll(async () => {
    await lifecare.start();
    // Lifecare knows no inbox by the misspelt name and refuses what is addressed to it.
    lifecare.refuseFor = (m) => m.mottagare.name === MISSPELT;
    const configFile = exampleConfigReplacing([[CENTRAL, MISSPELT]]);
    settings = testSettings(adapters, lifecare.url, { configFile });
    brygga = await startTestBrygga(settings);
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  it('lists the refused delivery and the refused message, newest first, filtered and paged', async () => {
    expect((await postMessage(brygga.url, 'lifecare', order)).status).toBe(202);
    const delivery = await waitFor(() => list('?stage=delivery'), (p) => p.deadLetters.length === 1, 'the refused delivery');
    expect(delivery.deadLetters[0]).toMatchObject({ stage: 'delivery', system: 'lifecare', codes: ['BRY_DELIVERY_REJECTED'] });
    expect(delivery.deadLetters[0]!.originalBase64).toBeUndefined();
    expect(delivery.deadLetters[0]!.problems).toBeUndefined();

    const answer = await postMessage(brygga.url, 'lifecare', refused);
    expect(answer.status).toBe(400);
    const { deadLetterId } = (await answer.json()) as { deadLetterId: string };
    const all = await waitFor(() => list(), (p) => p.deadLetters.length === 2, 'both dead letters');
    expect(all.deadLetters.map((d) => d.id)[0]).toBe(deadLetterId);

    const byConnector = await list('?system=lifecare&stage=connector:lifecare&include=error,original');
    expect(byConnector.deadLetters).toHaveLength(1);
    expect(Buffer.from(byConnector.deadLetters[0]!.originalBase64!, 'base64').equals(refused)).toBe(true);
    expect(byConnector.deadLetters[0]!.problems!.map((p) => p.field)).toContain('Arende/DagarPerVecka');

    const first = await list('?limit=1');
    expect(first.deadLetters.map((d) => d.id)).toEqual([deadLetterId]);
    const second = await list(`?limit=1&cursor=${first.nextCursor}`);
    expect(second.deadLetters.map((d) => d.id)).toEqual([delivery.deadLetters[0]!.id]);
    expect(second.nextCursor).toBeUndefined();

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await list(`?from=${encodeURIComponent(future)}`)).deadLetters).toEqual([]);
    const bad = await fetch(`${brygga.url}/api/dead-letters?include=everything`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('include');
  });

  it('a message replayed unchanged is refused again and stays one dead letter, with the new problems', async () => {
    const [letter] = (await list('?stage=connector:lifecare')).deadLetters;
    const replay = await fetch(`${brygga.url}/api/dead-letters/${letter!.id}/replay`, { method: 'POST' });
    expect(replay.status).toBe(422);
    expect(await replay.json()).toMatchObject({ outcome: 'refused', errorCode: 'BRY_INVALID_MESSAGE', deadLetterId: letter!.id });
    const after = await waitFor(() => list('?stage=connector:lifecare'), (p) => p.deadLetters[0]?.failedReplays === 1, 'the failed replay on the dead letter');
    expect(after.deadLetters).toHaveLength(1);
    expect(after.deadLetters[0]!.replay).toMatchObject({ outcome: 'refused' });
  });

  it('a delivery replayed before the fix is refused by Lifecare again and stays one dead letter, marked refused', async () => {
    const [letter] = (await list('?stage=delivery')).deadLetters;
    expect((await fetch(`${brygga.url}/api/dead-letters/${letter!.id}/replay`, { method: 'POST' })).status).toBe(202);
    const after = await waitFor(() => list('?stage=delivery'), (p) => p.deadLetters[0]?.failedReplays === 1, 'the second refusal on the dead letter');
    expect(after.deadLetters).toHaveLength(1);
    expect(after.deadLetters[0]!.replay).toMatchObject({ outcome: 'refused', errorCode: 'BRY_DELIVERY_REJECTED' });
  });

  it('after the configuration is fixed, the replayed delivery reaches its inbox in Lifecare, once', async () => {
    await brygga.stop();
    exampleConfigReplacing([], settings.configFile);
    brygga = await startTestBrygga(settings);
    const [letter] = (await list('?stage=delivery')).deadLetters;
    const replay = await fetch(`${brygga.url}/api/dead-letters/${letter!.id}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ outcome: 'accepted', deadLetterId: letter!.id });
    const arrived = await waitFor(() => lifecare.to(CENTRAL), (m) => m.length === 1, 'the order in the central inbox');
    expect(arrived[0]).toMatchObject({ typ: 'BESTALLNING', beslutsId: `B-DL-${adapters === 'embedded' ? 1 : 2}` });
    const listed = await waitFor(() => list('?stage=delivery'), (p) => p.deadLetters[0]?.replay?.outcome === 'accepted', 'the replay recorded');
    expect(listed.deadLetters).toHaveLength(1);
    // Once Lifecare's acknowledgement is recorded a replay is refused; until then it is the same MeddelandeId.
    await waitFor(async () => (await fetch(`${brygga.url}/api/dead-letters/${letter!.id}/replay`, { method: 'POST' })).status, (s) => s === 409, 'a replay refused as delivered');
    expect(lifecare.to(CENTRAL)).toHaveLength(1);
  });

  it('a refused message of 4 MiB (under maxBodyBytes, over the 1 MiB a Kafka topic takes by default) is a 400 and a dead letter with its bytes', async () => {
    const large = Buffer.concat([refused, Buffer.from(`<!--${'x'.repeat(4 * 1024 * 1024)}-->`)]);
    const answer = await postMessage(brygga.url, 'lifecare', large);
    expect(answer.status).toBe(400);
    const { deadLetterId } = (await answer.json()) as { deadLetterId: string };
    const listed = await waitFor(() => list('?stage=connector:lifecare&include=original'), (p) => p.deadLetters.some((d) => d.id === deadLetterId), 'the large dead letter');
    const letter = listed.deadLetters.find((d) => d.id === deadLetterId)!;
    expect(Buffer.from(letter.originalBase64!, 'base64').equals(large)).toBe(true);
  });
});
