// The Treserva connector over SFTP against a real SSH server on loopback (Apache MINA SSHD, started
// here on a free port bound to 127.0.0.1): the same exchange rules as the local folder, through
// the connector's own poller and channel, with one kept connection that comes back after a drop.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/canonical/event-types.ts';
import type { DeliveryRequest } from '../../src/routing/channel.ts';
import { testLogger } from '../../test/support/logs.ts';
import { waitFor } from '../../test/support/wait.ts';
import { fileNameFor } from './channel.ts';
import { withDefaults, openExchange, type TreservaConfig } from './config.ts';
import { parseTreservaFile } from './inbound.ts';
import { treserva } from './index.ts';
import { TreservaPoller } from './poller.ts';
import { openHarness, type Harness } from './test-support/harness.ts';
import { startSshd, type Sshd } from './test-support/sshd.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}/input.xml`, import.meta.url));
const USER = 'brygga';
const PASSWORD = 'sftp-test-secret';

let base: string;
let serverRoot: string;
let sshd: Sshd;
let harness: Harness;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'brygga-treserva-sftp-'));
  serverRoot = join(base, 'server');
  mkdirSync(serverRoot);
  sshd = await startSshd({ root: serverRoot, user: USER, password: PASSWORD, hostKeyFile: join(base, 'hostkey.ser') });
}, 600_000);

afterAll(async () => {
  await sshd?.stop();
  rmSync(base, { recursive: true, force: true });
});

let exchangeName: string;
beforeEach(async (context) => {
  exchangeName = `x-${context.task.id}`;
  mkdirSync(join(serverRoot, exchangeName, 'ut'), { recursive: true });
  harness = await openHarness(join(base, `data-${context.task.id}`), testLogger());
});
afterEach(async () => {
  await harness.close();
});

const url = (password = PASSWORD, port = sshd.port) => `sftp://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${exchangeName}`;
const config = (overrides: Partial<TreservaConfig> = {}) => withDefaults({ exchange: url(), pollIntervalMs: 100, timeoutMs: 5000, ...overrides });
const onServer = (...p: string[]) => join(serverRoot, exchangeName, ...p);

describe('Treserva over SFTP (Apache MINA SSHD on 127.0.0.1)', () => {
  it('the connector\'s poller archives a complete file after its events are on the bus, refuses a bad one into fel/, leaves a .part alone', async () => {
    writeFileSync(onServer('ut', 'uppdrag-1.xml'), fixture('nytt'));
    writeFileSync(onServer('ut', 'uppdrag-2.xml'), fixture('bad-personnummer'));
    writeFileSync(onServer('ut', 'uppdrag-3.xml.part'), fixture('bekraftat').subarray(0, 100));
    const [poller] = treserva.pollers!(config(), harness.ctx);
    await poller!.start();
    try {
      await waitFor(() => existsSync(onServer('ut', 'arkiv', 'uppdrag-1.xml')) && existsSync(onServer('ut', 'fel', 'uppdrag-2.xml')), Boolean, 'both files settled');
    } finally {
      await poller!.stop();
    }
    expect(readdirSync(onServer('ut')).sort()).toEqual(['arkiv', 'fel', 'uppdrag-3.xml.part']);
    expect(readdirSync(onServer('ut', 'fel')).sort()).toEqual(['uppdrag-2.xml', 'uppdrag-2.xml.error.txt']);
    expect(readFileSync(onServer('ut', 'fel', 'uppdrag-2.xml.error.txt'), 'utf8')).toContain('Person/Personnr\tFORMAT-PERSONNUMMER');
    expect(await harness.events()).toHaveLength(1);
    expect(await harness.events(TOPICS.deadLetters)).toHaveLength(1);
  });

  it('the connector\'s channel writes by temporary name and rename; a retry replaces the file', async () => {
    const event = parseTreservaFile(fixture('bekraftat'), undefined, { receivedAt: Date.now(), pseudonymKey: 'k', maxBytes: 1e6 })[0]!;
    const request: DeliveryRequest = {
      deliveryId: 'd-sftp-1',
      requestedAt: '2026-11-24T13:31:00+01:00',
      inbox: { inboxId: 'case-officer:treserva:ss-203', kind: 'caseOfficer', system: 'treserva', addressType: 'caseOfficer', addressId: 'ss-203' },
      event,
    };
    const cfg = config();
    const channel = treserva.channel!(cfg, harness.ctx);
    expect(await channel.deliver(request)).toEqual({ receipt: fileNameFor('d-sftp-1') });
    const first = readFileSync(onServer('in', fileNameFor('d-sftp-1')));
    expect(await channel.deliver(request)).toEqual({ receipt: fileNameFor('d-sftp-1') });
    expect(readdirSync(onServer('in'))).toEqual([fileNameFor('d-sftp-1')]);
    expect(readFileSync(onServer('in', fileNameFor('d-sftp-1')))).toEqual(first);
    expect(parseTreservaFile(first, undefined, { receivedAt: Date.now(), pseudonymKey: 'k', maxBytes: 1e6 })[0]!.subject).toBe(event.subject);
    for (const p of treserva.pollers!(cfg, harness.ctx)) await p.stop(); // closes the shared connection
  });

  it('the kept connection comes back after the server went away', async () => {
    const exchange = openExchange(config());
    const poller = new TreservaPoller(exchange, config(), harness.ctx);
    await poller.pollOnce();
    const port = sshd.port;
    await sshd.stop();
    writeFileSync(onServer('ut', 'uppdrag-1.xml'), fixture('nytt'));
    await expect(poller.pollOnce()).rejects.toThrow();
    sshd = await startSshd({ root: serverRoot, user: USER, password: PASSWORD, hostKeyFile: join(base, 'hostkey.ser'), port });
    await waitFor(async () => poller.pollOnce().then(() => true, () => false), Boolean, 'a poll over a new connection');
    expect(readdirSync(onServer('ut', 'arkiv'))).toEqual(['uppdrag-1.xml']);
    await exchange.close();
  });

  it('a wrong password or a host key other than the pinned one touches nothing; the channel says the delivery failed, retryable', async () => {
    writeFileSync(onServer('ut', 'uppdrag-1.xml'), fixture('nytt'));
    for (const cfg of [config({ exchange: url('wrong') }), config({ hostKey: `SHA256:${'A'.repeat(43)}` })]) {
      const exchange = openExchange(cfg);
      await expect(new TreservaPoller(exchange, cfg, harness.ctx).pollOnce()).rejects.toThrow();
      await exchange.close();
      const channel = treserva.channel!(cfg, harness.ctx);
      const event = parseTreservaFile(fixture('bekraftat'), undefined, { receivedAt: Date.now(), pseudonymKey: 'k', maxBytes: 1e6 })[0]!;
      await expect(channel.deliver({ deliveryId: 'd-x', requestedAt: event.time, inbox: { inboxId: 'i', kind: 'caseOfficer', system: 'treserva', addressType: 'caseOfficer', addressId: 'ss-203' }, event }))
        .rejects.toMatchObject({ code: 'BRY_DELIVERY_FAILED', retryable: true });
      for (const p of treserva.pollers!(cfg, harness.ctx)) await p.stop();
    }
    expect(readdirSync(onServer('ut')).sort()).toEqual(['uppdrag-1.xml']);
    expect(await harness.events()).toEqual([]);
  });
});
