// The formats' example messages (shared/formats/examples), copied byte for byte.
import { readFileSync } from 'node:fs';

const EXAMPLES = new URL('../e2e/examples/', import.meta.url);

/**
 * The named Lifecare example. `beslutsId` replaces the example's BeslutsId and makes its
 * MeddelandeIds unique to it too, so runs on a long-lived broker never see each other's ids.
 * `createdAt` replaces the message's Huvud/Skapad and Beslutsdatum: the acknowledgement
 * deadline (R-KVITTENS-3VD) counts from Skapad, so an order sent weeks after the example was
 * written is already overdue and escalated at once, unlike a day's real traffic.
 */
export function lifecareExample(name: string, replace: { beslutsId?: string; createdAt?: Date } = {}): Buffer {
  const bytes = readFileSync(new URL(name, EXAMPLES));
  if (!replace.beslutsId && !replace.createdAt) return bytes;
  let latin1 = bytes.toString('latin1');
  if (replace.beslutsId) latin1 = latin1.replaceAll('B-2026-5531', replace.beslutsId).replaceAll('LC-2026-', `LC-${replace.beslutsId}-`);
  if (replace.createdAt) {
    const iso = replace.createdAt.toISOString();
    latin1 = latin1
      .replace(/<Skapad>[^<]*<\/Skapad>/, `<Skapad>${iso.slice(0, 19)}Z</Skapad>`)
      .replace(/<Beslutsdatum>[^<]*<\/Beslutsdatum>/, `<Beslutsdatum>${iso.slice(0, 10)}</Beslutsdatum>`);
  }
  return Buffer.from(latin1, 'latin1');
}
