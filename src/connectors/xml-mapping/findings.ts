// The canonical schema's findings on read data (ranges, enums, formats), reported by element and rule unless the mapping already did.
import type { EventType } from '../../canonical/event-types.ts';
import { dataProblems } from '../../canonical/validate.ts';
import type { DocumentReader } from './reader.ts';

/** Canonical paths computed from another field: their problems are that field's problems. */
export const DERIVED: Record<string, string> = {
  orderId: 'origin.reference',
  clientId: 'client.personnummer',
  'client.clientId': 'client.personnummer',
};

export const related = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

export interface FindingRules {
  /** The canonical path a finding is about, as the mapping knows it; undefined: not reported. */
  sourceOf?: (to: string) => string | undefined;
  /** The element and rule that explain a path; undefined: no element does (Brygga's bug: validateEvent reports it as such). */
  explain: (source: string) => { field: string; rule: string } | undefined;
}

export function schemaFindings(eventType: EventType, reader: DocumentReader, rules: FindingRules): void {
  const sourceOf = rules.sourceOf ?? ((to: string) => DERIVED[to] ?? to);
  const known = reader.problems.map((p) => p.to);
  for (const finding of dataProblems(eventType, reader.data)) {
    const source = sourceOf(finding.path.slice(1).replaceAll('/', '.'));
    if (source === undefined || known.some((k) => related(k, source))) continue;
    const at = rules.explain(source);
    if (!at) continue;
    const code = finding.keyword === 'required' || finding.keyword === 'minItems' ? 'BRY_MISSING_FIELD' : 'BRY_INVALID_FIELD';
    reader.problems.push({ code, field: at.field, rule: at.rule, detail: finding.message, to: source });
    known.push(source);
  }
}

/** The element a canonical path was (or would have been) read from: where it was read, else what the map says, else its parent's. */
export function elementOf(reader: DocumentReader, to: string, mapped: (to: string) => string | undefined): string | undefined {
  const known = reader.sources.get(to) ?? mapped(to);
  if (known) return known;
  const parent = to.includes('.') ? to.slice(0, to.lastIndexOf('.')) : undefined;
  return parent ? elementOf(reader, parent, mapped) : undefined;
}
