// The example configuration with some values changed, written to a temporary file (its rules
// file still found beside the example).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';

/** `delivery` overrides the example's delivery block, e.g. `{ maxAttempts: 3, initialBackoffMs: 20 }`. */
export function exampleConfigWith(delivery: Record<string, number>): string {
  let text = readFileSync(DEFAULT_CONFIG_FILE, 'utf8');
  for (const [key, value] of Object.entries(delivery)) {
    const line = new RegExp(`^(  ${key}:) *[^\\n]*$`, 'm');
    text = line.test(text) ? text.replace(line, `$1 ${value}`) : text.replace(/^delivery:\n/m, `delivery:\n  ${key}: ${value}\n`);
  }
  const file = join(mkdtempSync(join(tmpdir(), 'brygga-config-')), 'brygga.yaml');
  writeFileSync(file, text.replace('rulesFile: deadline-rules.yaml', `rulesFile: ${join(DEFAULT_CONFIG_FILE, '..', 'deadline-rules.yaml')}`));
  return file;
}
