// Treserva's own value rules: times written in Swedish local time without offset, names split and joined.
import { DateTime } from 'luxon';
import { ZONE, readValue as readShared, writeValue as writeShared, type Converted } from '../../src/connectors/xml-mapping/values.ts';
import type { FieldKind } from './mapping.ts';

const DATETIME_DETAIL = 'must be a date and time YYYY-MM-DDThh:mm[:ss], Swedish local time or with offset';

/** Reads element text as a value of `kind`; `today` (YYYY-MM-DD) decides personnummer centuries. */
export const readValue = (kind: FieldKind, raw: string, today: string): Converted => readShared(kind, raw, today, DATETIME_DETAIL);

/** Swedish local time without offset, as Treserva writes it. */
export function localDateTime(value: string): string {
  return DateTime.fromISO(value, { setZone: true }).setZone(ZONE).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

/** Writes a canonical value as Treserva element text: personnummer with hyphen, times local without offset. */
export function writeValue(kind: FieldKind, value: unknown): string {
  return kind === 'datetime' ? localDateTime(String(value)) : writeShared(kind, value);
}

/** Fornamn and Efternamn as one name, the way the canonical model keeps it. */
export function joinName(given: string | undefined, family: string): string {
  return given ? `${given} ${family}` : family;
}

// Particles that belong to the family name ("von Essen", "af Klint", "de Geer").
const PARTICLES = new Set(['von', 'af', 'de', 'van', 'der', 'den', 'la', 'le', 'du', 'di', 'da']);

/** A whole name split for Treserva: the last word (with its particles) is Efternamn, the rest Fornamn. */
export function splitName(name: string): { given?: string; family: string } {
  const words = name.trim().split(/\s+/);
  let cut = words.length - 1;
  while (cut > 1 && PARTICLES.has(words[cut - 1]!.toLowerCase())) cut -= 1;
  if (cut === 0) return { family: words.join(' ') };
  return { given: words.slice(0, cut).join(' '), family: words.slice(cut).join(' ') };
}
