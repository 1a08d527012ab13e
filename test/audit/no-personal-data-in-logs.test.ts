// Runs after the whole suite (npm test): no personnummer in any log line of the run.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const file = process.env.BRYGGA_TEST_LOG_FILE;
// 12 or 10 digits, with or without the - / + separator: every form the formats allow. Runs
// inside ids (hex, UUIDs) and decimals are not personnummer: those neighbours are excluded.
const PERSONNUMMER = /(?<![0-9A-Za-z.-])(?:19|20)?\d{6}[-+]?\d{4}(?![0-9A-Za-z.-])/;

describe.skipIf(!file)('log audit (socialtjänstsekretess)', () => {
  it('captured the run\'s logs, including the pipeline\'s', () => {
    expect(existsSync(file!)).toBe(true);
    const text = readFileSync(file!, 'utf8');
    expect(text).toContain('message accepted');
    expect(text).toContain('delivered');
  });

  it('no log line contains a personnummer or a client name', () => {
    const lines = readFileSync(file!, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(50);
    const offending = lines.filter((line) => PERSONNUMMER.test(line) || /Tolvan|Tolvansson|Signe|Öberg/.test(line));
    expect(offending.slice(0, 3)).toEqual([]);
  });
});
