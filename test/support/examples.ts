// The formats' example messages (shared/formats/examples), copied byte for byte.
import { readFileSync } from 'node:fs';

const EXAMPLES = new URL('../e2e/examples/', import.meta.url);

/** The named Lifecare example; `beslutsId` replaces the example's BeslutsId (fresh ids per run). */
export function lifecareExample(name: string, replace: { beslutsId?: string } = {}): Buffer {
  const bytes = readFileSync(new URL(name, EXAMPLES));
  if (!replace.beslutsId) return bytes;
  const latin1 = bytes.toString('latin1');
  return Buffer.from(latin1.replaceAll('B-2026-5531', replace.beslutsId), 'latin1');
}
