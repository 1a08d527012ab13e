// A system's words ↔ Brygga's canonical words, as a table of pairs read both ways.
/** System word ↔ canonical word; inbound takes the first pair with the word, outbound the first with the value. */
export type ValueTable = readonly (readonly [native: string, canonical: string])[];

/** System word → canonical value; undefined when the table has no such word. */
export function toCanonical(table: ValueTable, native: string): string | undefined {
  return table.find(([n]) => n === native)?.[1];
}

/** Canonical value → system word; a value the table does not know (a configured recipient type) is written as it is. */
export function toNative(table: ValueTable, canonical: string): string {
  return table.find(([, c]) => c === canonical)?.[0] ?? canonical;
}
