// The formats' example messages (shared/formats/examples), copied byte for byte.
import { readFileSync } from 'node:fs';

const EXAMPLES = new URL('../e2e/examples/', import.meta.url);

/**
 * The named Lifecare example. `beslutsId` replaces the example's BeslutsId and makes its
 * MeddelandeIds unique to it too, so runs on a long-lived broker never see each other's ids.
 */
export function lifecareExample(name: string, replace: { beslutsId?: string } = {}): Buffer {
  const bytes = readFileSync(new URL(name, EXAMPLES));
  if (!replace.beslutsId) return bytes;
  const latin1 = bytes.toString('latin1');
  return Buffer.from(latin1.replaceAll('B-2026-5531', replace.beslutsId).replaceAll('LC-2026-', `LC-${replace.beslutsId}-`), 'latin1');
}
