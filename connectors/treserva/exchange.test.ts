// The Treserva file exchange on a local folder, end to end: files from Treserva's outgoing folder
// through the intake onto an embedded bus, archived or refused; half-written files left alone;
// a SIGKILL between publish and move neither loses nor doubles; deliveries written atomically.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/canonical/event-types.ts';
import type { DeliveryRequest } from '../../src/routing/channel.ts';
import { testLogger } from '../../test/support/logs.ts';
import { waitFor } from '../../test/support/wait.ts';
import { TreservaChannel, fileNameFor } from './channel.ts';
import { withDefaults } from './config.ts';
import { LocalExchange } from './exchange/local.ts';
import { parseTreservaFile } from './inbound.ts';
import { TreservaPoller } from './poller.ts';
import { openHarness, type Harness } from './test-support/harness.ts';

const fixture = (name: string, file = 'input.xml') => readFileSync(new URL(`./fixtures/${name}/${file}`, import.meta.url));
const NYTT = fixture('nytt');
const BAD = fixture('bad-personnummer');

let root: string;
let harness: Harness;
let dataDir: string;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'brygga-treserva-'));
  dataDir = join(root, 'data');
  mkdirSync(join(root, 'exchange', 'ut'), { recursive: true });
  harness = await openHarness(dataDir, testLogger());
});

afterEach(async () => {
  await harness.close();
  rmSync(root, { recursive: true, force: true });
});

const exchangeDir = () => join(root, 'exchange');
const ut = (...p: string[]) => join(exchangeDir(), 'ut', ...p);
const config = () => withDefaults({ exchange: exchangeDir(), pollIntervalMs: 100 });
const poller = (h = harness) => new TreservaPoller(new LocalExchange(exchangeDir()), config(), h.ctx);

describe('Treserva outgoing folder (local)', () => {
  it('a complete file\'s events reach the bus, then the file moves to ut/arkiv', async () => {
    writeFileSync(ut('uppdrag-TR-88231.xml'), NYTT);
    const running = poller();
    await running.start();
    try {
      await waitFor(() => existsSync(ut('arkiv', 'uppdrag-TR-88231.xml')), Boolean, 'the file in arkiv/');
    } finally {
      await running.stop();
    }
    const events = await harness.events();
    expect(events.map((e) => e.id)).toEqual(parseTreservaFile(NYTT, undefined, { ...harness.ctx, receivedAt: Date.now() }).map((e) => e.id));
    expect(existsSync(ut('uppdrag-TR-88231.xml'))).toBe(false);
    expect(readFileSync(ut('arkiv', 'uppdrag-TR-88231.xml'))).toEqual(NYTT);
  });

  it('a half-written file (name.xml.part) is not read; renamed complete, it is', async () => {
    writeFileSync(ut('uppdrag-2.xml.part'), NYTT.subarray(0, 200));
    const p = poller();
    await p.pollOnce();
    expect(readdirSync(ut()).sort()).toEqual(['arkiv', 'fel', 'uppdrag-2.xml.part']);
    expect(readdirSync(ut('fel'))).toEqual([]);
    expect(await harness.events()).toEqual([]);
    expect(await harness.events(TOPICS.deadLetters)).toEqual([]);

    writeFileSync(ut('uppdrag-2.xml.part'), NYTT);
    renameSync(ut('uppdrag-2.xml.part'), ut('uppdrag-2.xml'));
    await p.pollOnce();
    expect(readdirSync(ut('arkiv'))).toEqual(['uppdrag-2.xml']);
    expect(await harness.events()).toHaveLength(1);
  });

  it('a refused file goes to ut/fel beside <name>.error.txt naming field and rule; its bytes are dead-lettered', async () => {
    writeFileSync(ut('uppdrag-bad.xml'), BAD);
    await poller().pollOnce();
    expect(readdirSync(ut('fel')).sort()).toEqual(['uppdrag-bad.xml', 'uppdrag-bad.xml.error.txt']);
    const reason = readFileSync(ut('fel', 'uppdrag-bad.xml.error.txt'), 'utf8');
    expect(reason).toMatch(/^BRY_INVALID_MESSAGE: /);
    expect(reason).toContain('Person/Personnr\tFORMAT-PERSONNUMMER\tBRY_INVALID_PERSONNUMMER');
    expect(reason).not.toMatch(/1912121212|19121212-1213/);
    const [deadLetter, ...more] = await harness.events(TOPICS.deadLetters);
    expect(more).toEqual([]);
    const data = deadLetter!.data as { stage: string; originalBase64: string };
    expect(data.stage).toBe('connector:treserva');
    expect(Buffer.from(data.originalBase64, 'base64')).toEqual(BAD);
    expect(reason).toContain(`deadLetterId: ${deadLetter!.id}`);
    expect(await harness.events()).toEqual([]);
  });

  it('a file seen already (same name and content) is not processed twice; the same name with other content is', async () => {
    writeFileSync(ut('uppdrag.xml'), NYTT);
    const p = poller();
    await p.pollOnce();
    writeFileSync(ut('uppdrag.xml'), NYTT); // Treserva writes it again
    await p.pollOnce();
    expect(existsSync(ut('uppdrag.xml'))).toBe(false);
    expect(readdirSync(ut('arkiv'))).toEqual(['uppdrag.xml']);
    expect(await harness.events()).toHaveLength(1);

    const changed = Buffer.from(NYTT.toString('utf8').replace('2026-11-23T10:02:11', '2026-11-23T10:30:00'));
    writeFileSync(ut('uppdrag.xml'), changed);
    await p.pollOnce();
    const archived = readdirSync(ut('arkiv')).sort();
    expect(archived).toHaveLength(2);
    expect(archived).toContain('uppdrag.xml');
    expect(archived.find((n) => n !== 'uppdrag.xml')).toMatch(/^uppdrag\.[0-9a-f]{12}\.xml$/);
    expect(new Set((await harness.events()).map((e) => e.id)).size).toBe(2);
  });

  it('a file over the size limit is refused unread into ut/fel', async () => {
    writeFileSync(ut('big.xml'), Buffer.alloc(harness.ctx.maxBytes + 1, 0x20));
    await poller().pollOnce();
    expect(readFileSync(ut('fel', 'big.xml.error.txt'), 'utf8')).toMatch(/^BRY_BODY_TOO_LARGE: /);
    expect(await harness.events(TOPICS.deadLetters)).toEqual([]);
  });

  it('while the bus does not take the events, the file stays for the next look', async () => {
    writeFileSync(ut('uppdrag.xml'), NYTT);
    await harness.bus.close();
    await expect(poller().pollOnce()).rejects.toMatchObject({ code: 'BRY_BUS_UNAVAILABLE' });
    expect(existsSync(ut('uppdrag.xml'))).toBe(true);
    expect(readdirSync(ut('arkiv'))).toEqual([]);
    harness = await openHarness(dataDir, testLogger());
    await poller().pollOnce();
    expect(readdirSync(ut('arkiv'))).toEqual(['uppdrag.xml']);
  });

  it('SIGKILL between publish and move: after the restart the file is archived once and its event is the same event, not a second order', async () => {
    writeFileSync(ut('uppdrag-TR-88231.xml'), NYTT);
    await harness.close(); // the child owns the data directory until it is killed
    const signal = join(root, 'accepted.json');
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./test-support/crash-child.ts', import.meta.url).pathname, dataDir, exchangeDir(), signal], { stdio: 'ignore' });
    try {
      await waitFor(() => existsSync(signal), Boolean, 'the child to have its file accepted', 60_000);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    }
    expect(JSON.parse(readFileSync(signal, 'utf8'))).toEqual({ name: 'uppdrag-TR-88231.xml', accepted: true });
    // Killed after the publish, before the move: the events are on the bus, the file is still waiting.
    harness = await openHarness(dataDir, testLogger());
    const before = await harness.events();
    expect(before).toHaveLength(1);
    expect(existsSync(ut('uppdrag-TR-88231.xml'))).toBe(true);

    const restarted = poller();
    await restarted.start();
    try {
      await waitFor(() => existsSync(ut('arkiv', 'uppdrag-TR-88231.xml')), Boolean, 'the file in arkiv/ after the restart');
    } finally {
      await restarted.stop();
    }
    const after = await harness.events();
    // Read again, the file gives the same event id, which consumers take as the same event: one order.
    expect(new Set(after.map((e) => e.id))).toEqual(new Set([before[0]!.id]));
    expect(new Set(after.map((e) => e.subject))).toEqual(new Set([before[0]!.subject]));
    expect(readdirSync(ut('arkiv'))).toEqual(['uppdrag-TR-88231.xml']);
    expect(readdirSync(ut()).filter((n) => n.endsWith('.xml'))).toEqual([]);

    // And a later look does not read it again.
    await poller().pollOnce();
    expect(await harness.events()).toHaveLength(after.length);
  });
});

describe('Treserva incoming folder (local)', () => {
  const event = parseTreservaFile(fixture('bekraftat'), undefined, { receivedAt: Date.now(), pseudonymKey: 'k', maxBytes: 1e6 })[0]!;
  const request = (deliveryId: string): DeliveryRequest => ({
    deliveryId,
    requestedAt: '2026-11-24T13:31:00+01:00',
    inbox: { inboxId: 'case-officer:treserva:ss-203', kind: 'caseOfficer', system: 'treserva', addressType: 'caseOfficer', addressId: 'ss-203' },
    event,
  });

  it('writes each delivery as one complete file named by its delivery id; a retry replaces it', async () => {
    const channel = new TreservaChannel(new LocalExchange(exchangeDir()), 'in', 1000);
    const first = await channel.deliver(request('d-1'));
    expect(first).toEqual({ receipt: fileNameFor('d-1') });
    await channel.deliver(request('d-1'));
    await channel.deliver(request('d-2'));
    const incoming = join(exchangeDir(), 'in');
    expect(readdirSync(incoming).sort()).toEqual([fileNameFor('d-1'), fileNameFor('d-2')]);
    const [back] = parseTreservaFile(readFileSync(join(incoming, fileNameFor('d-1'))), undefined, { receivedAt: Date.now(), pseudonymKey: 'k', maxBytes: 1e6 });
    expect(back!.type).toBe(event.type);
    expect(back!.subject).toBe(event.subject);
  });

  it('an exchange that cannot be written is a retryable delivery failure', async () => {
    writeFileSync(join(exchangeDir(), 'in'), 'a file where the folder should be');
    const channel = new TreservaChannel(new LocalExchange(exchangeDir()), 'in', 1000);
    await expect(channel.deliver(request('d-3'))).rejects.toMatchObject({ code: 'BRY_DELIVERY_FAILED', retryable: true });
  });
});
