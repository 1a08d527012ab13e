// Element text ↔ canonical value for each field kind the connectors' mappings share, and dotted data paths.
import { DateTime } from 'luxon';
import { normalisePersonnummer } from '../../canonical/personnummer.ts';
import type { ErrorCode } from '../../errors.ts';

export const ZONE = 'Europe/Stockholm';

/** The kinds every system's text can be read as; a connector may offer fewer, or add its own. */
export type ValueKind = 'text' | 'integer' | 'boolean' | 'date' | 'datetime' | 'personnummer';

export type Converted = { ok: true; value: unknown } | { ok: false; code: ErrorCode; detail: string; personnummer?: true };

const LOCAL_OR_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** RFC 3339 with offset; a time without offset is Swedish local time (formats README). */
export function normaliseDateTime(raw: string): string | undefined {
  if (!LOCAL_OR_OFFSET.test(raw)) return undefined;
  const parsed = DateTime.fromISO(raw, { zone: ZONE, setZone: true });
  return parsed.isValid ? (parsed.toISO({ suppressMilliseconds: true }) ?? undefined) : undefined;
}

export const DATETIME_DETAIL = 'must be a date and time YYYY-MM-DDThh:mm[:ss], with or without offset';

/**
 * Reads text as a value of `kind`; `today` (YYYY-MM-DD) decides personnummer centuries.
 * `datetimeDetail` is what a bad date and time is told (a system that writes local time says so).
 */
export function readValue(kind: ValueKind, raw: string, today: string, datetimeDetail = DATETIME_DETAIL): Converted {
  switch (kind) {
    case 'text':
      return { ok: true, value: raw };
    case 'integer':
      return /^[+-]?\d{1,9}$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, code: 'BRY_INVALID_FIELD', detail: 'must be a whole number' };
    case 'boolean':
      if (raw === 'true' || raw === '1') return { ok: true, value: true };
      if (raw === 'false' || raw === '0') return { ok: true, value: false };
      return { ok: false, code: 'BRY_INVALID_FIELD', detail: 'must be true or false' };
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(raw) && DateTime.fromISO(raw).isValid
        ? { ok: true, value: raw }
        : { ok: false, code: 'BRY_INVALID_FIELD', detail: 'must be a date YYYY-MM-DD' };
    case 'datetime': {
      const value = normaliseDateTime(raw);
      return value ? { ok: true, value } : { ok: false, code: 'BRY_INVALID_FIELD', detail: datetimeDetail };
    }
    case 'personnummer': {
      const result = normalisePersonnummer(raw, today);
      return result.ok ? { ok: true, value: result.value } : { ok: false, code: 'BRY_INVALID_PERSONNUMMER', detail: result.detail, personnummer: true };
    }
  }
}

/** Writes a canonical value as element text: a personnummer with its hyphen (YYYYMMDD-NNNN), the rest as it is. */
export function writeValue(kind: ValueKind, value: unknown): string {
  if (kind === 'personnummer') {
    const digits = String(value);
    return `${digits.slice(0, 8)}-${digits.slice(8)}`;
  }
  return String(value);
}

/** The day `at` (epoch ms) falls on in Swedish local time, YYYY-MM-DD. */
export const localDate = (at: number): string => DateTime.fromMillis(at, { zone: ZONE }).toISODate()!;
