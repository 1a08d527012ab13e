// Writes a mapping's fields, repeated elements and attachment from canonical data into an element tree.
import type { AttachmentMap, FieldMapBase } from './map-types.ts';
import { getPath } from './paths.ts';
import { toNative } from './tables.ts';
import { writeValue as writePlain, type ValueKind } from './values.ts';
import { child, node, put, type Node } from './writer.ts';

/** A field as written: `writeElse` is the canonical path written when `to` has no value. */
type WrittenField<Kind extends ValueKind> = FieldMapBase<Kind> & { writeElse?: string };

/** Writes one field below `scope`, unless it is read-only or has no value; `write` turns the value into the system's text. */
export function writeField<Kind extends ValueKind>(
  scope: Node,
  field: WrittenField<Kind>,
  data: unknown,
  write: (kind: Kind, value: unknown) => string = writePlain,
): void {
  if (field.direction === 'in') return;
  const value = getPath(data, field.to) ?? (field.writeElse ? getPath(data, field.writeElse) : undefined);
  if (value === undefined || value === null || value === '') return;
  const canonical = write(field.kind, value);
  put(scope, field.xml, field.values ? toNative(field.values, canonical) : canonical);
}

/** One element per item of the canonical list at `list.to`, at the repeated element path `list.xml`; `fill` writes each. */
export function writeList(root: Node, list: { xml: string; to: string }, data: unknown, fill: (element: Node, item: unknown) => void): void {
  const items = getPath(data, list.to);
  if (!Array.isArray(items)) return;
  const slash = list.xml.lastIndexOf('/');
  const parent = slash < 0 ? root : list.xml.slice(0, slash).split('/').reduce(child, root);
  for (const item of items) {
    const element = node(list.xml.slice(slash + 1));
    parent.children.push(element);
    fill(element, item);
  }
}

/** The Bilaga: namn and mime attributes, the base64 content as its text. */
export function writeAttachment(root: Node, spec: AttachmentMap | undefined, data: unknown): void {
  const attachment = spec && (getPath(data, spec.to) as { name: string; mime: string; contentBase64: string } | undefined);
  if (!spec || !attachment) return;
  put(root, `${spec.xml}/@namn`, attachment.name);
  put(root, `${spec.xml}/@mime`, attachment.mime);
  put(root, `${spec.xml}/.`, attachment.contentBase64);
}
