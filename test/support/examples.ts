// The formats' example messages (shared/formats/examples), copied byte for byte.
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';

const EXAMPLES = new URL('../e2e/examples/', import.meta.url);

/** The day the examples and fixtures were written on: their send and registration times fall on it. */
const EXAMPLES_DAY = '2026-11-23';

/**
 * `text` with every time stamp of the examples' day (2026-11-23Thh:mm:ss±hh:mm) moved to `at`, in
 * Stockholm time: the acknowledgement deadline (R-KVITTENS-3VD) counts from when an order was sent,
 * so an example sent weeks ago is overdue on arrival and escalated at once, which a test of a
 * day's traffic through the running clock does not expect.
 */
export function sentAt(text: string, at = new Date()): string {
  const stamp = DateTime.fromJSDate(at).setZone('Europe/Stockholm').startOf('second').toISO({ suppressMilliseconds: true })!;
  return text.replaceAll(new RegExp(`${EXAMPLES_DAY}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}`, 'g'), stamp);
}

/**
 * The named Lifecare example. `beslutsId` replaces the example's BeslutsId and makes its
 * MeddelandeIds unique to it too, so runs on a long-lived broker never see each other's ids.
 * `createdAt` moves its send time there (`sentAt`).
 */
export function lifecareExample(name: string, replace: { beslutsId?: string; createdAt?: Date } = {}): Buffer {
  const bytes = readFileSync(new URL(name, EXAMPLES));
  if (!replace.beslutsId && !replace.createdAt) return bytes;
  let latin1 = bytes.toString('latin1');
  if (replace.beslutsId) latin1 = latin1.replaceAll('B-2026-5531', replace.beslutsId).replaceAll('LC-2026-', `LC-${replace.beslutsId}-`);
  if (replace.createdAt) latin1 = sentAt(latin1, replace.createdAt);
  return Buffer.from(latin1, 'latin1');
}
