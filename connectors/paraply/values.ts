// Paraply's own value kind: a code read through one of its value tables (TABLES); the rest are the shared kinds.
import { readValue as readShared, type Converted } from '../../src/connectors/xml-mapping/values.ts';
import { TABLES, type FieldKind } from './mapping.ts';

/** Reads text as a value of `kind`; `today` (YYYY-MM-DD) decides personnummer centuries. */
export function readValue(kind: FieldKind, raw: string, today: string): Converted {
  if (typeof kind !== 'object') return readShared(kind, raw, today);
  const table: Record<string, string> = TABLES[kind.table];
  return Object.hasOwn(table, raw)
    ? { ok: true, value: table[raw] }
    : { ok: false, code: 'BRY_INVALID_FIELD', detail: `must be one of ${Object.keys(table).join(', ')}` };
}
