// The example configuration with some values changed or added, written to a temporary file (its rules
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
  return writeVariant(text);
}

/** The example with an `auth` block (API keys, OIDC), e.g. `{ apiKeys: [{ name, sha256, role }] }`. */
export function exampleConfigWithAuth(auth: object): string {
  return writeVariant(`${readFileSync(DEFAULT_CONFIG_FILE, 'utf8')}\nauth: ${JSON.stringify(auth)}\n`);
}

/** The example configuration with each `from` text replaced by its `to`, written to `file` (default: a new temporary file). */
export function exampleConfigReplacing(replacements: Array<[from: string, to: string]>, file?: string): string {
  let text = readFileSync(DEFAULT_CONFIG_FILE, 'utf8');
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`the example configuration has no '${from}'`);
    text = text.replaceAll(from, to);
  }
  return writeVariant(text, file);
}

function writeVariant(text: string, file = join(mkdtempSync(join(tmpdir(), 'brygga-config-')), 'brygga.yaml')): string {
  writeFileSync(file, text.replace('rulesFile: deadline-rules.yaml', `rulesFile: ${join(DEFAULT_CONFIG_FILE, '..', 'deadline-rules.yaml')}`));
  return file;
}
