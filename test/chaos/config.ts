// The example configuration with some keys set, written to a temporary file; its rules file is
// still the example's.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';

/** `set` maps a dotted key path to its value, e.g. `{ 'delivery.leaseMs': 3000 }`. */
export function exampleConfigSetting(set: Record<string, unknown>): string {
  const doc = parseDocument(readFileSync(DEFAULT_CONFIG_FILE, 'utf8'));
  const rules = String(doc.getIn(['deadlines', 'rulesFile']));
  doc.setIn(['deadlines', 'rulesFile'], resolve(dirname(DEFAULT_CONFIG_FILE), rules));
  for (const [path, value] of Object.entries(set)) doc.setIn(path.split('.'), value);
  const file = join(mkdtempSync(join(tmpdir(), 'brygga-chaos-config-')), 'brygga.yaml');
  writeFileSync(file, doc.toString());
  return file;
}
