// Finds the text at a mapping path in a parsed document: `A/B` element text, `A/@x` attribute, `.` the scope's own text.
import { childrenNamed, elementAt, type XmlElement } from '../../canonical/xml-input.ts';

export interface Found {
  value?: string;
  /** The element the last step is looked for in is there (for 'withParent' requirements). */
  parentPresent: boolean;
  /** An element meant to be there once is there more than once. */
  repeated?: boolean;
}

export function locate(scope: XmlElement, path: string): Found {
  const steps = path.split('/');
  const last = steps.pop()!;
  if (last === '.') return { value: scope.text || undefined, parentPresent: true };
  const parent = steps.length > 0 ? elementAt(scope, steps.join('/')) : scope;
  if (!parent) return { parentPresent: false };
  if (last.startsWith('@')) return { value: parent.attributes[last.slice(1)] || undefined, parentPresent: true };
  const found = childrenNamed(parent, last);
  return { value: found[0]?.text || undefined, parentPresent: true, repeated: found.length > 1 };
}

/** The repeated elements a list path (`A/B`) names: every B in the A below `root`. */
export function listElements(root: XmlElement, xml: string): XmlElement[] {
  const slash = xml.lastIndexOf('/');
  const parent = slash < 0 ? root : elementAt(root, xml.slice(0, slash));
  return parent ? childrenNamed(parent, xml.slice(slash + 1)) : [];
}
