// Builds an XML element tree by mapping paths (`A/B`, `A/@x`, `.`) and serialises it, indented, escaped.
/** An element being written; children keep the order they were first made in. */
export interface Node {
  name: string;
  attributes: [string, string][];
  text?: string;
  children: Node[];
}

export const node = (name: string, text?: string, attributes: [string, string][] = []): Node => ({ name, attributes, text, children: [] });

/** The child element `name` of `parent`, made (last) if it is not there yet. */
export function child(parent: Node, name: string): Node {
  let found = parent.children.find((c) => c.name === name);
  if (!found) parent.children.push((found = node(name)));
  return found;
}

/** Sets the value at a mapping path (`A/B`, `A/@x`, `A/.`), making the elements on the way; an attribute already there is replaced. */
export function put(scope: Node, path: string, value: string): void {
  const steps = path.split('/');
  const last = steps.pop()!;
  const parent = steps.reduce(child, scope);
  if (last === '.') parent.text = value;
  else if (last.startsWith('@')) {
    const name = last.slice(1);
    parent.attributes = [...parent.attributes.filter(([k]) => k !== name), [name, value]];
  } else child(parent, last).text = value;
}

// XML 1.0 cannot carry most control characters at all, so they become U+FFFD.
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(value: string): string {
  return value.replace(INVALID, '\uFFFD').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** One element per line, two spaces deeper per level; `prefix` (`tr:`) goes before every element name. */
export function serialise(n: Node, indent: string, prefix = ''): string {
  const name = `${prefix}${n.name}`;
  const attributes = n.attributes.map(([k, v]) => ` ${k}="${xmlEscape(v)}"`).join('');
  if (n.children.length === 0) {
    return n.text === undefined || n.text === '' ? `${indent}<${name}${attributes}/>` : `${indent}<${name}${attributes}>${xmlEscape(n.text)}</${name}>`;
  }
  const inner = n.children.map((c) => serialise(c, `${indent}  `, prefix)).join('\n');
  return `${indent}<${name}${attributes}>\n${inner}\n${indent}</${name}>`;
}

/** A whole UTF-8 document with the XML declaration. */
export const xmlDocument = (root: Node, prefix = ''): Buffer => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${serialise(root, '', prefix)}\n`, 'utf8');
