// A running Brygga with credentials: Lifecare posts with its connector key, an auditor reads the
// order's trace and the read is in the audit log (who, what, when, from where), apart from the
// application log. Without credentials: open on loopback, saying so; refused on any other host.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BryggaError } from '../../src/errors.ts';
import { startBrygga, type RunningBrygga } from '../../src/main.ts';
import { openTestApi } from '../support/api.ts';
import { testSettings } from '../support/brygga.ts';
import { exampleConfigWithAuth } from '../support/config.ts';
import { lifecareExample } from '../support/examples.ts';
import { testLogDestination } from '../support/logs.ts';
import { waitFor } from '../support/wait.ts';

const key = () => randomBytes(24).toString('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const NOWHERE = 'http://127.0.0.1:9/lifecare';

/** Log lines kept for the test and written to the run's capture file as every test's are. */
function capturedLog(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  const run = testLogDestination();
  return { lines, destination: { write: (line: string) => void (lines.push(line), run.write(line)) } };
}

function auditEntries(dataDir: string): Record<string, unknown>[] {
  const dir = join(dataDir, 'audit');
  return readdirSync(dir).flatMap((file) => readFileSync(join(dir, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>));
}

describe('auth and audit on a running Brygga', () => {
  let brygga: RunningBrygga | undefined;
  afterEach(async () => {
    await brygga?.stop();
    brygga = undefined;
  });

  it('a connector key posts, an auditor reads the trace, and the read is audited', async () => {
    const keys = { operator: key(), auditor: key(), lifecare: key() };
    const settings = testSettings('embedded', NOWHERE, {
      operatorKey: keys.operator,
      configFile: exampleConfigWithAuth({
        apiKeys: [
          { name: 'auditor-anna', sha256: sha256(keys.auditor), role: 'auditor' },
          { name: 'lifecare-prod', sha256: sha256(keys.lifecare), role: 'connector:lifecare' },
        ],
      }),
    });
    const log = capturedLog();
    brygga = await startBrygga(settings, { logDestination: log.destination });
    const { url } = brygga;
    const as = (k: string) => ({ authorization: `Bearer ${k}` });

    const started = log.lines.map((l) => JSON.parse(l) as { msg: string; auth?: string }).find((l) => l.msg === 'Brygga started');
    expect(started?.auth).toBe('required');
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok', auth: 'required' });

    const order = lifecareExample('bestallning.xml', { beslutsId: 'B-AUTH-0001' });
    const post = (headers: Record<string, string>) => fetch(`${url}/connectors/lifecare/messages`, { method: 'POST', headers: { 'content-type': 'application/xml', ...headers }, body: new Uint8Array(order) });
    expect((await post({})).status).toBe(401);
    expect((await post(as(keys.auditor))).status).toBe(403);
    expect((await post(as(keys.lifecare))).status).toBe(202);

    expect((await fetch(`${url}/api/orders/B-AUTH-0001`)).status).toBe(401);
    expect((await fetch(`${url}/api/orders/B-AUTH-0001`, { headers: as(keys.lifecare) })).status).toBe(403);
    const before = Date.now();
    const trace = await waitFor(
      async () => (await fetch(`${url}/api/orders/B-AUTH-0001`, { headers: as(keys.auditor) })).json() as Promise<{ events?: unknown[] }>,
      (t) => (t.events?.length ?? 0) > 0,
      'the trace, read by the auditor',
    );
    expect(trace.events!.length).toBeGreaterThan(0);

    const reads = auditEntries(settings.dataDir).filter((e) => e.who === 'auditor-anna');
    expect(reads.length).toBeGreaterThan(0);
    const last = reads.at(-1)!;
    expect(last).toMatchObject({ role: 'auditor', via: 'api-key', action: 'GET /api/orders/:id', target: { id: 'B-AUTH-0001' }, from: '127.0.0.1' });
    expect(Date.parse(String(last.time))).toBeGreaterThanOrEqual(before - 1000);
    // Refused calls read nothing and are not audit entries; the audit log is not the application log.
    expect(auditEntries(settings.dataDir).every((e) => e.who === 'auditor-anna')).toBe(true);
    expect(log.lines.some((l) => l.includes('auditor-anna'))).toBe(false);
    expect(readdirSync(join(settings.dataDir, 'audit'))).toEqual([`audit-${new Date().toISOString().slice(0, 7)}.ndjson`]);

    // The operator key from the environment acts.
    const replay = await fetch(`${url}/api/deliveries/no-such-delivery/replay`, { method: 'POST', headers: as(keys.operator) });
    expect(replay.status).toBe(404);
    expect((await fetch(`${url}/api/deliveries/no-such-delivery/replay`, { method: 'POST', headers: as(keys.auditor) })).status).toBe(403);
  });

  it('with no credentials on loopback: open, and the start line and /health say so', async () => {
    const log = capturedLog();
    brygga = await startBrygga(testSettings('embedded', NOWHERE), { logDestination: log.destination });
    const started = log.lines.map((l) => JSON.parse(l) as { msg: string; auth?: string }).find((l) => l.msg === 'Brygga started');
    expect(started?.auth).toMatch(/^open: no credentials configured/);
    expect(await (await fetch(`${brygga.url}/health`)).json()).toMatchObject({ auth: 'open' });
    expect((await fetch(`${brygga.url}/api/deadlines`)).status).toBe(200);
  });

  it('with no credentials on another host: start refuses before it opens anything', async () => {
    const settings = testSettings('embedded', NOWHERE, { host: '0.0.0.0' });
    const refused = await startBrygga(settings, { logDestination: testLogDestination() }).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(BryggaError);
    expect((refused as BryggaError).code).toBe('BRY_AUTH_NOT_CONFIGURED');
    expect((refused as BryggaError).message).toContain('BRYGGA_OPERATOR_KEY');
    expect(existsSync(join(settings.dataDir, 'brygga.lock'))).toBe(false);
  });

  it('with a key on another host: starts, credentials required', async () => {
    brygga = await startBrygga(testSettings('embedded', NOWHERE, { host: '0.0.0.0', operatorKey: key() }), { logDestination: testLogDestination() });
    const port = new URL(brygga.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/api/deadlines`)).status).toBe(401);
  });
});

describe('the audit log fails closed', () => {
  it('a read that cannot be recorded is not answered: 503 BRY_AUDIT_FAILED', async () => {
    const api = await openTestApi({ logDestination: testLogDestination() });
    try {
      // A file where the audit directory should be: the entry cannot be written.
      writeFileSync(join(api.dataDir, 'audit'), '');
      const response = await api.app.inject({ url: '/api/orders/B-2026-5531' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ code: 'BRY_AUDIT_FAILED' });
      // A route without personal data is not held up.
      expect((await api.app.inject({ url: '/api/deadlines' })).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('entries are appended, never rewritten', async () => {
    const api = await openTestApi({ logDestination: testLogDestination() });
    try {
      for (const id of ['B-1', 'B-2', 'B-3']) await api.app.inject({ url: `/api/orders/${id}`, remoteAddress: '10.1.2.3' });
      await api.app.inject({ url: '/api/reports/evb?quarter=2026Q3' });
      const entries = auditEntries(api.dataDir);
      expect(entries.map((e) => e.target)).toEqual([{ id: 'B-1' }, { id: 'B-2' }, { id: 'B-3' }, { quarter: '2026Q3' }]);
      expect(entries[0]).toMatchObject({ who: 'open-development-mode', via: 'open', from: '10.1.2.3' });
      expect(entries[3]).toMatchObject({ action: 'GET /api/reports/evb' });
    } finally {
      await api.close();
    }
  });
});
