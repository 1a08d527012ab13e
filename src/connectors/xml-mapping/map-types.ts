// The shapes of a document mapping that Lifecare and Treserva share: a field, a repeated element, an attachment.
import type { ValueTable } from './tables.ts';
import type { ValueKind } from './values.ts';

export interface Condition {
  /** Canonical path of a field read before this one. */
  field: string;
  in: readonly string[];
}

export interface FieldMapBase<Kind extends ValueKind = ValueKind> {
  /** Path below the document's root; a last step `@name` is an attribute; in a list item relative to the item, `.` the item's own text. */
  xml: string;
  /** Dotted path in the event's `data`. */
  to: string;
  kind: Kind;
  /** true: must be there; 'withParent': must be there when its parent element is. */
  required: boolean | 'withParent';
  /** The routine or format rule a missing or bad value breaks. */
  rule: string;
  /** The system's words for the canonical values; a word not in the table is refused. */
  values?: ValueTable;
  /** Read only when another field has one of the listed values (canonical values). */
  when?: Condition;
  /** 'in': read only; the renderer writes the element itself (the header). */
  direction?: 'in';
}

export interface ListMapBase<Field> {
  /** Repeated element, e.g. `Arende/OnskadVerksamhet`. */
  xml: string;
  to: string;
  /** At least one element is required. */
  required: boolean;
  rule: string;
  items: Field[];
}

export interface AttachmentMap {
  /** `Bilaga` element with `namn` and `mime` attributes and base64 content. */
  xml: string;
  to: string;
  required: boolean;
  rule: string;
  mimes: readonly string[];
  /** Accepted leading bytes (hex) of the decoded content: the file is what the mime claims. */
  signatures: readonly string[];
}

/**
 * The element names of every attachment the messages carry: base64 text the XML input takes
 * whole rather than parses, for speed.
 */
export function attachmentElements(messages: readonly { attachment?: AttachmentMap }[]): string[] {
  return [...new Set(messages.flatMap((m) => (m.attachment ? [m.attachment.xml.split('/').pop()!] : [])))];
}
