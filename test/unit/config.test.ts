// Configuration is validated at start with a message naming the file, the key and what was expected.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(config.systems.lifecare?.endpoint).toBe('https://lifecare.vellinge.example.se/integration');
    expect(config.providers[0]!.units.map((u) => u.name)).toEqual([
      'S:t Knut dagverksamhet', 'Postiljonen dagverksamhet', 'Månstorps Ängar dagverksamhet', 'Omtankens Hus dagverksamhet',
    ]);
    expect(config.delivery.maxAttempts).toBe(8);
  });

  it('names the variable when a ${VAR} without default is not set', () => {
    const file = withText(example.replace('${LIFECARE_URL:-http://127.0.0.1:8090/lifecare/meddelanden}', '${LIFECARE_URL}'));
    expect(() => loadConfig(file, {})).toThrow(/systems\.lifecare\.endpoint: environment variable LIFECARE_URL is not set/);
  });

  it('names the key and the expectation of a wrong value, and the file', () => {
    const file = withText(example.replace('maxAttempts: 8', 'maxAttempts: none').replace('municipality: Vellinge', 'municipality: Vellinge\nsurprise: 1'));
    expect(() => loadConfig(file, {})).toThrow(new RegExp(`${file.replaceAll('/', '\\/')}.*delivery\\.maxAttempts: must be integer`));
    expect(() => loadConfig(file, {})).toThrow(/must NOT have additional properties 'surprise'/);
  });

  it('refuses a non-URL endpoint', () => {
    expect(() => loadConfig(DEFAULT_CONFIG_FILE, { LIFECARE_URL: 'lifecare' })).toThrow(/systems\.lifecare\.endpoint/);
  });
});
