// Untrusted XML in, a plain element tree out: size limit, charset (XML declaration or HTTP
// Content-Type), no DOCTYPE or entities, well-formedness, then parsing. Shared by the
// connectors of every XML-speaking system (formats README, general rules).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BryggaError } from '../errors.ts';

/** An element with namespace prefixes removed, values trimmed and entity references decoded. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** The element's own text (CDATA included), trimmed; '' when none. */
  text: string;
  children: XmlElement[];
}

export interface XmlInputOptions {
  /** The HTTP Content-Type, whose charset parameter wins over the XML declaration (RFC 7303). */
  contentType?: string;
  /** Largest body accepted, in bytes, attachments included. */
  maxBytes: number;
  /**
   * Elements whose content is taken as text without parsing it (still checked for
   * well-formedness): large base64 attachments, which the parser would otherwise read 15–20
   * times slower. CDATA sections in them are unwrapped, entity references decoded.
   */
  rawElements?: readonly string[];
}

const CHARSETS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'us-ascii': 'utf8',
  'iso-8859-1': 'latin1',
  'iso8859-1': 'latin1',
  'iso_8859-1': 'latin1',
  latin1: 'latin1',
  l1: 'latin1',
};

function charsetOf(body: Buffer, contentType: string | undefined): string | undefined {
  const fromHeader = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader.toLowerCase();
  if ((body[0] === 0xfe && body[1] === 0xff) || (body[0] === 0xff && body[1] === 0xfe)) return 'utf-16';
  // The declaration is ASCII in every encoding accepted here, so latin1 reads it safely.
  const head = body.subarray(0, 200).toString('latin1');
  return /^(?:\uFEFF|ï»¿)?<\?xml[^>]*?\sencoding\s*=\s*["']([^"']+)["']/.exec(head)?.[1]?.toLowerCase();
}

/** Decodes the body to text: UTF-8 (the XML default) or ISO-8859-1; anything else is refused. */
export function decodeXmlBody(body: Buffer, contentType?: string): string {
  const charset = charsetOf(body, contentType) ?? 'utf-8';
  const encoding = CHARSETS[charset];
  if (!encoding) {
    const shown = /^[a-z0-9._-]{1,40}$/.test(charset) ? ` (${charset})` : '';
    throw new BryggaError('BRY_UNSUPPORTED_ENCODING', `charset${shown} is not accepted: only UTF-8 and ISO-8859-1`);
  }
  if (encoding === 'latin1') return body.toString('latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw new BryggaError('BRY_MALFORMED_XML', 'the body is not valid UTF-8; declare ISO-8859-1 if that is what it is');
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; any other reference is malformed. */
function decodeReferences(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&([^;&\s]{0,12});?/g, (whole, name: string) => {
    if (whole.endsWith(';')) {
      if (PREDEFINED[name] !== undefined) return PREDEFINED[name];
      const code = /^#x([0-9a-f]{1,6})$/i.exec(name)?.[1] ?? /^#([0-9]{1,7})$/.exec(name)?.[1];
      if (code !== undefined) {
        const point = name.startsWith('#x') || name.startsWith('#X') ? parseInt(code, 16) : Number(code);
        if (point > 0 && point <= 0x10ffff && !(point >= 0xd800 && point <= 0xdfff)) return String.fromCodePoint(point);
      }
    }
    throw new BryggaError('BRY_MALFORMED_XML', 'the body refers to an undeclared entity or has a bare "&"');
  });
}

const parsers = new Map<string, XMLParser>();

/** One parser per set of raw elements, made once. */
function parserFor(rawElements: readonly string[]): XMLParser {
  const key = rawElements.join('|');
  let parser = parsers.get(key);
  if (!parser) parsers.set(key, (parser = makeParser(rawElements)));
  return parser;
}

function makeParser(rawElements: readonly string[]): XMLParser {
  return new XMLParser({
    stopNodes: rawElements.map((name) => `*.${name}`),
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: '#cdata',
  });
}

/** Text of a raw element: CDATA sections kept verbatim, the rest entity-decoded. */
function rawText(raw: string): string {
  return raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeReferences(part)))
    .join('');
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElement(node: OrderedNode, raw: ReadonlySet<string>): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined || name === '#text' || name === '#cdata' || name.startsWith('?')) return undefined;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(node[':@'] ?? {})) {
    if (key !== 'xmlns' && !key.startsWith('xmlns:')) attributes[key] = decodeReferences(String(value).trim());
  }
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] as OrderedNode[]) ?? []) {
    if ('#text' in child) text += raw.has(name) ? rawText(String(child['#text'])) : decodeReferences(String(child['#text']));
    else if ('#cdata' in child) text += (child['#cdata'] as { '#text'?: unknown }[]).map((c) => String(c['#text'] ?? '')).join('');
    else {
      const element = toElement(child, raw);
      if (element) children.push(element);
    }
  }
  return { name, attributes, text: text.trim(), children };
}

/**
 * Reads untrusted XML: BRY_BODY_TOO_LARGE, BRY_UNSUPPORTED_ENCODING, BRY_UNSAFE_XML (DOCTYPE or
 * ENTITY anywhere, checked before parsing) or BRY_MALFORMED_XML; otherwise the root element.
 */
export function parseXmlDocument(body: Buffer, options: XmlInputOptions): XmlElement {
  if (body.length > options.maxBytes) {
    throw new BryggaError('BRY_BODY_TOO_LARGE', `the body has ${body.length} bytes; the limit is ${options.maxBytes}`);
  }
  const text = decodeXmlBody(body, options.contentType);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new BryggaError('BRY_UNSAFE_XML', 'DOCTYPE declarations and entities are refused');
  }
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    throw new BryggaError('BRY_MALFORMED_XML', `the body is not well-formed XML (${verdict.err.code} at line ${verdict.err.line}, column ${verdict.err.col})`);
  }
  let nodes: OrderedNode[];
  try {
    nodes = parserFor(options.rawElements ?? []).parse(text) as OrderedNode[];
  } catch (error) {
    // The parser stops at 100 levels of elements (a message is a few deep): say so, not "malformed".
    const tooDeep = /nested/i.test((error as Error).message);
    throw new BryggaError('BRY_MALFORMED_XML', tooDeep ? 'elements are nested more than 100 levels deep' : 'the body is not well-formed XML', [], { cause: error });
  }
  const raw = new Set(options.rawElements);
  const roots = nodes.map((node) => toElement(node, raw)).filter((e): e is XmlElement => e !== undefined);
  if (roots.length !== 1) throw new BryggaError('BRY_MALFORMED_XML', `a document has one root element, this one has ${roots.length}`);
  return roots[0]!;
}

/** The children of `element` named `name`, in document order. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** Follows a path of element names (`Arende/Brukare`); undefined when any step is missing. */
export function elementAt(element: XmlElement, path: string): XmlElement | undefined {
  let current: XmlElement | undefined = element;
  for (const step of path.split('/')) {
    current = current && childrenNamed(current, step)[0];
  }
  return current;
}
