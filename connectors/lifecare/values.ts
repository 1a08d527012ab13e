// Element text ↔ canonical value for each field kind of the mapping, and dotted data paths.
import { DateTime } from 'luxon';
import type { ErrorCode } from '../../src/errors.ts';
import { normalisePersonnummer } from '../../src/canonical/personnummer.ts';
import type { FieldKind } from './mapping.ts';

export const ZONE = 'Europe/Stockholm';

export type Converted = { ok: true; value: unknown } | { ok: false; code: ErrorCode; detail: string; personnummer?: true };

const LOCAL_OR_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** RFC 3339 with offset; a time without offset is Swedish local time (formats README). */
export function normaliseDateTime(raw: string): string | undefined {
  if (!LOCAL_OR_OFFSET.test(raw)) return undefined;
  const parsed = DateTime.fromISO(raw, { zone: ZONE, setZone: true });
  return parsed.isValid ? parsed.toISO({ suppressMilliseconds: true }) ?? undefined : undefined;
}

/** Reads element text as a value of `kind`; `today` (YYYY-MM-DD) decides personnummer centuries. */
export function readValue(kind: FieldKind, raw: string, today: string): Converted {
  switch (kind) {
    case 'text':
      return { ok: true, value: raw };
    case 'integer':
      return /^[+-]?\d{1,9}$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, code: 'BRY_INVALID_FIELD', detail: 'must be a whole number' };
    case 'boolean':
      if (raw === 'true' || raw === '1') return { ok: true, value: true };
      if (raw === 'false' || raw === '0') return { ok: true, value: false };
      return { ok: false, code: 'BRY_INVALID_FIELD', detail: 'must be true or false' };
    case 'datetime': {
      const value = normaliseDateTime(raw);
      return value
        ? { ok: true, value }
        : { ok: false, code: 'BRY_INVALID_FIELD', detail: 'must be a date and time YYYY-MM-DDThh:mm[:ss], with or without offset' };
    }
    case 'personnummer': {
      const result = normalisePersonnummer(raw, today);
      return result.ok ? { ok: true, value: result.value } : { ok: false, code: 'BRY_INVALID_PERSONNUMMER', detail: result.detail, personnummer: true };
    }
  }
}

/** Writes a canonical value as Lifecare element text. */
export function writeValue(kind: FieldKind, value: unknown): string {
  if (kind === 'personnummer') {
    const digits = String(value);
    return `${digits.slice(0, 8)}-${digits.slice(8)}`;
  }
  return String(value);
}

export function getPath(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

export function setPath(data: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split('.');
  let current = data;
  for (const step of steps.slice(0, -1)) {
    current[step] ??= {};
    current = current[step] as Record<string, unknown>;
  }
  current[steps[steps.length - 1]!] = value;
}
