// The `brygga` command as a person runs it (spawned): every refusal is one line with a stable
// code and a sysexits-style exit code, never a stack trace; --version; `orders trace <id>`.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { inheritedEnv, spawnBrygga, type BryggaProcess } from '../support/brygga-process.ts';
import { lifecareExample } from '../support/examples.ts';
import { waitFor } from '../support/wait.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function brygga(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['scripts/brygga.mjs', ...args], {
      env: { ...inheritedEnv(), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** One line on stderr: `error: <code>: …`, and no stack trace. */
function expectOneLine(run: Run, code: string, exitCode: number): void {
  expect(run.stderr, run.stderr).toMatch(new RegExp(`^error: ${code}: [^\\n]+\\n$`));
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.code).toBe(exitCode);
}

const dir = () => mkdtempSync(join(tmpdir(), 'brygga-cli-'));

describe('brygga: one-line errors, --version', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const run = await brygga(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it.each([
    [['reports', 'evb', '--quarter', '2026Q3']],
    [['orders', 'trace', 'B-2026-5531']],
    [['deadlines', 'rebuild', '--dry-run']],
  ])('%j in a data directory where no Brygga ran: BRY_NO_DATA, nothing created', async (args) => {
    const missing = join(dir(), 'nowhere');
    const run = await brygga(args, { BRYGGA_DATA_DIR: missing });
    expectOneLine(run, 'BRY_NO_DATA', 2);
    expect(run.stderr).toContain(missing);
    expect(existsSync(missing)).toBe(false);
  });

  it('start on a host other than loopback without credentials: BRY_AUTH_NOT_CONFIGURED, exit 78', async () => {
    const run = await brygga(['start'], { HOST: '0.0.0.0', PORT: '0', BRYGGA_DATA_DIR: dir() });
    expectOneLine(run, 'BRY_AUTH_NOT_CONFIGURED', 78);
  });

  it('a PORT that is no port: BRY_CONFIG_INVALID, exit 78', async () => {
    const run = await brygga(['start'], { PORT: 'http', BRYGGA_DATA_DIR: dir() });
    expectOneLine(run, 'BRY_CONFIG_INVALID', 78);
    expect(run.stderr).toContain("PORT must be a port number, got 'http'");
  });

  describe('while a Brygga runs', () => {
    const dataDir = dir();
    let running: BryggaProcess;
    afterAll(() => running?.stop());

    it('start on its port: BRY_PORT_IN_USE; commands on its data directory: BRY_DATA_DIR_IN_USE', async () => {
      running = await spawnBrygga({ BRYGGA_DATA_DIR: dataDir, LIFECARE_URL: 'http://127.0.0.1:9/lifecare' });
      const port = new URL(running.url).port;
      const second = await brygga(['start'], { PORT: port, BRYGGA_DATA_DIR: dir() });
      expectOneLine(second, 'BRY_PORT_IN_USE', 2);
      expect(second.stderr).toContain(`127.0.0.1:${port} is in use`);

      for (const args of [['deadlines', 'rebuild'], ['orders', 'trace', 'B-2026-5531'], ['reports', 'evb', '--quarter', '2026Q3']]) {
        expectOneLine(await brygga(args, { BRYGGA_DATA_DIR: dataDir }), 'BRY_DATA_DIR_IN_USE', 2);
      }
    });

    it("orders trace <id> once it stopped: the order's trace, and the read in the audit log", async () => {
      const posted = await fetch(`${running.url}/connectors/lifecare/messages`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: new Uint8Array(lifecareExample('bestallning.xml', { beslutsId: 'B-CLI-0001' })) });
      expect(posted.status).toBe(202);
      const { orderId } = (await posted.json()) as { orderId: string };
      await waitFor(async () => (await fetch(`${running.url}/api/orders/B-CLI-0001`)).status, (s) => s === 200, 'the trace');
      await running.stop();

      const run = await brygga(['orders', 'trace', 'B-CLI-0001'], { BRYGGA_DATA_DIR: dataDir });
      expect(run.code, run.stderr).toBe(0);
      const trace = JSON.parse(run.stdout) as { orderId: string; events: unknown[] };
      expect(trace.orderId).toBe(orderId);
      expect(trace.events.length).toBeGreaterThan(0);

      const audit = join(dataDir, 'audit');
      const entries = readdirSync(audit).flatMap((f) => readFileSync(join(audit, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>));
      expect(entries.at(-1)).toMatchObject({ via: 'cli', action: 'brygga orders trace', target: { id: 'B-CLI-0001' }, from: 'local' });

      expectOneLine(await brygga(['orders', 'trace', 'B-NO-SUCH'], { BRYGGA_DATA_DIR: dataDir }), 'BRY_ORDER_NOT_FOUND', 2);
    });
  });
});
