// The dashboard in a real browser (Debian's chromium driven by playwright-core): log in with an
// operator key, see an order's kvittens deadline open and then breached (R-KVITTENS-3VD) under its
// provider, replay a delivery Lifecare had refused once Lifecare knows the inbox, and keep a
// screenshot (laptop and phone) under .data/screenshots/.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import type { RunningBrygga } from '../../src/main.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { exampleConfigReplacing } from '../support/config.ts';
import { lifecareExample } from '../support/examples.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';
import { waitFor } from '../support/wait.ts';

const KEY = 'dashboard-test-operator-key-0123456789';
/** Lifecare's own key: only it may post Lifecare's messages. */
const LIFECARE_KEY = 'dashboard-test-lifecare-key-0123456789';
const COORDINATOR = 'ÄO Dagverksamhet Samordnare';
const MISSPELT = 'ÄO Dagverksamhet Samordnar';
const SCREENSHOTS = new URL('../../.data/screenshots/', import.meta.url).pathname;

describe('dashboard (chromium)', () => {
  const lifecare = new LifecareStandIn();
  // Monday 23 Nov 2026; the Lifecare example was registered at 09:14 that day: kvittens due at the end of Thursday 26 Nov.
  const clock = new ManualClock(Date.parse('2026-11-23T10:00:00+01:00'));
  let brygga: RunningBrygga;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await lifecare.start();
    // The configuration misspells the coordinator's inbox, which Lifecare does not know: that delivery is dead-lettered.
    lifecare.refuseFor = (m) => m.mottagare.name === MISSPELT;
    const configFile = exampleConfigReplacing([[COORDINATOR, MISSPELT]]);
    const sha256 = createHash('sha256').update(LIFECARE_KEY).digest('hex');
    appendFileSync(configFile, `\nauth: ${JSON.stringify({ apiKeys: [{ name: 'lifecare', sha256, role: 'connector:lifecare' }] })}\n`);
    const settings = testSettings('embedded', lifecare.url, { configFile, operatorKey: KEY });
    brygga = await startTestBrygga(settings, clock);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  });
  afterAll(async () => {
    await browser?.close();
    await brygga?.stop();
    await lifecare.stop();
  });

  it('asks for the key, refuses a wrong one, and shows the board with the right one', async () => {
    await page.goto(`${brygga.url}/?refresh=300`);
    await page.getByLabel('API-nyckel').waitFor();
    await page.getByLabel('API-nyckel').fill('not-the-key');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.getByText('Nyckeln godtogs inte.').waitFor();
    await page.getByLabel('API-nyckel').fill(KEY);
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.getByRole('heading', { name: 'Tidsfrister per enhet' }).waitFor();
    await page.getByText('Inga döda brev.').waitFor();
    await page.locator('#login').waitFor({ state: 'hidden' });
  });

  it('shows the kvittens deadline open, then breached once it is past due', async () => {
    const posted = await fetch(`${brygga.url}/connectors/lifecare/messages`, {
      method: 'POST', headers: { 'content-type': 'application/xml', authorization: `Bearer ${LIFECARE_KEY}` }, body: new Uint8Array(lifecareExample('bestallning.xml', { beslutsId: 'B-DASH' })),
    });
    expect(posted.status).toBe(202);
    const kvittens = page.locator('#deadlines li', { hasText: 'Kvittens' });
    await kvittens.filter({ hasText: 'öppen' }).waitFor();
    clock.set(Date.parse('2026-11-27T00:00:01+01:00'));
    await kvittens.filter({ hasText: 'överskriden sedan' }).waitFor();
    await expect(page.locator('#deadlines .unit h3').first().textContent()).resolves.toBe('ÄO Dagverksamhet');
    await page.locator('#deadlines .pill.breached', { hasText: '1 överskridna' }).waitFor();
  });

  it('replays the dead-lettered delivery once Lifecare knows the inbox, and it arrives', async () => {
    const letter = page.locator('#dead-letters li', { hasText: 'BRY_DELIVERY_REJECTED' });
    await letter.waitFor();
    // Lifecare's administrator added the inbox under the name the configuration uses.
    lifecare.refuseFor = undefined;
    await letter.getByRole('button', { name: 'Spela upp igen' }).click();
    await page.locator('#dead-letters li', { hasText: 'uppspelad' }).waitFor();
    const arrived = await waitFor(() => lifecare.to(MISSPELT), (m) => m.length === 1, 'the order in the coordinator\'s inbox');
    expect(arrived[0]).toMatchObject({ typ: 'BESTALLNING', beslutsId: 'B-DASH' });
    await page.locator('#flow tr[data-system="lifecare"] td', { hasText: /^[1-9]/ }).first().waitFor();
    await page.getByText('Inget att granska.').or(page.locator('#review li').first()).waitFor();

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}dashboard.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-phone.png`, fullPage: true });
  });
});
