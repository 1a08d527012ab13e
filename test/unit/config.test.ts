// Configuration is validated at start with a message naming the file, the key and what was expected.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';

const example = readFileSync(DEFAULT_CONFIG_FILE, 'utf8');
function withText(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'brygga-config-')), 'brygga.yaml');
  writeFileSync(file, text);
  return file;
}

describe('configuration', () => {
  it('loads the shipped Vellinge example with its four day centres and the Lifecare endpoint from LIFECARE_URL', () => {
    const config = loadConfig(DEFAULT_CONFIG_FILE, { LIFECARE_URL: 'https://lifecare.vellinge.example.se/integration' });
    expect((config.systems.lifecare as { endpoint: string } | undefined)?.endpoint).toBe('https://lifecare.vellinge.example.se/integration');
    expect(config.providers[0]!.units.map((u) => u.name)).toEqual([
      'S:t Knut dagverksamhet', 'Postiljonen dagverksamhet', 'Månstorps Ängar dagverksamhet', 'Omtankens Hus dagverksamhet',
    ]);
    expect(config.delivery.maxAttempts).toBe(300);
  });

  it('loads the multi-system example; a default may hold braces (${FAX_GATEWAY:-{number}@…})', () => {
    const file = fileURLToPath(new URL('../../config/examples/multi-system.yaml', import.meta.url));
    expect((loadConfig(file, {}).systems.mail as { faxGateway: string }).faxGateway).toBe('{number}@fax.example.se');
    expect((loadConfig(file, { FAX_GATEWAY: '{number}@fax.kommun.example.se' }).systems.mail as { faxGateway: string }).faxGateway).toBe('{number}@fax.kommun.example.se');
    expect(Object.keys(loadConfig(file, {}).systems).sort()).toEqual(['lifecare', 'mail', 'paraply', 'treserva']);
  });

  it('names the variable when a ${VAR} without default is not set', () => {
    const file = withText(example.replace('${LIFECARE_URL:-http://127.0.0.1:8090/lifecare/meddelanden}', '${LIFECARE_URL}'));
    expect(() => loadConfig(file, {})).toThrow(/systems\.lifecare\.endpoint: environment variable LIFECARE_URL is not set/);
  });

  it('names the key and the expectation of a wrong value, and the file', () => {
    const file = withText(example.replace(/maxAttempts: \d+/, 'maxAttempts: none').replace('municipality: Vellinge', 'municipality: Vellinge\nsurprise: 1'));
    expect(() => loadConfig(file, {})).toThrow(new RegExp(`${file.replaceAll('/', '\\/')}.*delivery\\.maxAttempts: must be integer`));
    expect(() => loadConfig(file, {})).toThrow(/must NOT have additional properties 'surprise'/);
  });

  it('bounds the dead-letter topic by default (30 days, 1 GiB) and refuses a limit that is not a positive integer', () => {
    expect(loadConfig(DEFAULT_CONFIG_FILE, {}).deadLetters).toEqual({ retentionMs: 30 * 24 * 3600 * 1000, retentionBytes: 1024 ** 3 });
    const file = withText(`${example}\ndeadLetters:\n  retentionBytes: 0\n`);
    expect(() => loadConfig(file, {})).toThrow(/deadLetters\.retentionBytes: must be >= 1/);
  });

  it('refuses a non-URL endpoint', () => {
    expect(() => loadConfig(DEFAULT_CONFIG_FILE, { LIFECARE_URL: 'lifecare' })).toThrow(/systems\.lifecare\.endpoint/);
  });
});
