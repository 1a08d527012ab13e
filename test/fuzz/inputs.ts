// What the fuzzer sends to a connector endpoint: Lifecare messages generated from the fixtures'
// shapes with generated values, the fixtures themselves, both mutated (byte flips, truncation,
// XML fragments, entities, DOCTYPE, CDATA, deep nesting, huge attributes, other encodings,
// invalid UTF-8), other media types, random bytes and empty bodies, under varied Content-Types.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';

export interface FuzzInput {
  /** What produced it, for the summary and a failure report. */
  kind: string;
  contentType: string | undefined;
  body: Buffer;
}

const FIXTURES_DIR = new URL('../../connectors/lifecare/fixtures/', import.meta.url);

export const FIXTURES: { name: string; bytes: Buffer }[] = readdirSync(FIXTURES_DIR)
  .sort()
  .map((name) => ({ name, bytes: readFileSync(new URL(`${name}/input.xml`, FIXTURES_DIR)) }));

/** Fixtures that are UTF-8 text: the templates of generated messages. */
const TEMPLATES = FIXTURES.filter((f) => !f.name.includes('latin1') && !f.name.includes('utf16')).map((f) => f.bytes.toString('utf8'));

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Skatteverket's test personnummer in every accepted shape, and broken ones. */
const PERSONNUMMER = [
  '19121212-1212', '191212121212', '121212-1212', '121212+1212', '20121212-1212', '19121212-1213',
  '19121272-1219', '1212121212', '19121312-1212', '19120230-1212', '12-12-12-1212', '',
];
const DATES = ['2026-11-20', '2026-02-28', '2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '0000-01-01', '9999-12-31', '2026-11-20T10:00:00+01:00', '20261120', '2026-1-2', ' 2026-11-20 '];
const TIMES = ['2026-11-23T09:14:05+01:00', '2026-11-23T09:14:05Z', '2026-11-23T25:00:00+01:00', '2026-11-23', 'igår', '2026-11-23T09:14:05.123456789+14:00'];
const NUMBERS = ['0', '1', '2', '5', '7', '8', '-1', '2.5', '1e3', ' 3 ', 'NaN', '99999999999999999999', 'två', '0x10'];
const TYPES = [
  'BESTALLNING', 'UPPFOLJNING', 'AVSLUT_BESTALLNING', 'KVITTENS', 'BEKRAFTELSE', 'VERKSTALLD', 'EJ_PABORJAD', 'UTOKNING',
  'AVVIKELSE', 'FRANVARO', 'GENOMFORANDEPLAN', 'AVSLUT_VERKSTALLIGHET', 'DELTAGARLISTA', 'MALTIDER', 'bestallning', 'OKAND', '',
];

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('ÄO Dagverksamhet Inkorg', 'S:t Knut dagverksamhet', 'Månstorps Ängar dagverksamhet', 'bih-4711', 'DAGV', 'DEMENS', 'LANG', 'KORT'),
  fc.nat({ max: 20_000 }).map((n) => 'x'.repeat(n)),
);

/** A value for an element: shaped like what the element usually holds, or anything at all. */
const leafValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DATES, ...TIMES) },
  { weight: 2, arbitrary: fc.constantFrom(...PERSONNUMMER) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom(...TYPES) },
  { weight: 3, arbitrary: text },
);

const LEAF = /<([A-Za-z][\w.-]*)((?:\s[^<>]*)?)>([^<]*)<\/\1>/g;

type LeafEdit = { op: 'keep' } | { op: 'value'; value: string; raw: boolean } | { op: 'drop' } | { op: 'twice' } | { op: 'empty' };

const leafEdit: fc.Arbitrary<LeafEdit> = fc.oneof(
  { weight: 80, arbitrary: fc.constant({ op: 'keep' } as const) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('value' as const), value: leafValue, raw: fc.constant(false) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('value' as const), value: leafValue, raw: fc.constant(true) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'drop' } as const) },
  { weight: 1, arbitrary: fc.constant({ op: 'twice' } as const) },
  { weight: 1, arbitrary: fc.constant({ op: 'empty' } as const) },
);

/** A Lifecare message: a fixture's shape with some element values replaced, dropped or repeated. */
export const generatedMessage: fc.Arbitrary<string> = fc
  .record({ template: fc.constantFrom(...TEMPLATES), edits: fc.array(leafEdit, { minLength: 40, maxLength: 40 }), id: fc.nat({ max: 999_999 }) })
  .map(({ template, edits, id }) => {
    let i = 0;
    return template
      .replace(LEAF, (whole, name: string, attrs: string, value: string) => {
        const edit = edits[i++ % edits.length]!;
        if (name === 'MeddelandeId' && edit.op === 'keep') return `<${name}${attrs}>LC-FUZZ-${id}</${name}>`;
        switch (edit.op) {
          case 'keep': return whole;
          case 'value': return `<${name}${attrs}>${edit.raw ? edit.value : escapeXml(edit.value)}</${name}>`;
          case 'drop': return '';
          case 'twice': return whole + whole;
          case 'empty': return `<${name}${attrs}>${value.length > 0 ? '' : ' '}</${name}>`;
        }
      });
  });

const FRAGMENTS = [
  '<!DOCTYPE Meddelande [<!ENTITY x "y">]>', '<!DOCTYPE Meddelande SYSTEM "file:///etc/passwd">', '<!ENTITY a "b">',
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
  '&x;', '&amp;', '&#0;', '&#xD800;', '&#x110000;', '&#65;', '&', '&lt', '&#', '<![CDATA[', ']]>', '<![CDATA[<Typ>KVITTENS</Typ>]]>',
  '<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>', '<?pi data?>', '<!-- comment -->', '<!--', '-->',
  '<', '>', '</', '/>', '<a>', '</a>', '<Typ>KVITTENS</Typ>', '<Huvud/>', '<Meddelande>', '</Meddelande>', '<x:a xmlns:x="urn:x"/>',
  '"', "'", '=', ' a="1"', ' a="1" a="2"', '\u0000', '\u0007', '\uFFFE', '\uFEFF', '\r\n', '\t', 'ÅÄÖ', '😀', '\u202E',
];
const INVALID_UTF8 = [[0xc3, 0x28], [0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]];
const ENCODINGS = ['UTF-8', 'utf-8', 'ISO-8859-1', 'latin1', 'UTF-16', 'windows-1252', 'EBCDIC-CP-SE', 'us-ascii', 'x', '', 'utf-8"', 'ISO-8859-1\' standalone=\'yes'];

type Mutation =
  | { op: 'flip'; at: number[]; bits: number[] }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; fragment: string }
  | { op: 'bytes'; at: number; bytes: number[] }
  | { op: 'nest'; at: number; depth: number; closed: boolean }
  | { op: 'attribute'; size: number; quote: string }
  | { op: 'declare'; encoding: string }
  | { op: 'reencode'; as: 'utf16le' | 'utf16be' | 'latin1' | 'bom' }
  | { op: 'delete'; at: number; length: number };

const position = fc.nat({ max: 1 << 20 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.array(position, { minLength: 1, maxLength: 8 }), bits: fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 8, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, fragment: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 12 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('bytes' as const), at: position, bytes: fc.oneof(fc.constantFrom(...INVALID_UTF8), fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 6 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nest' as const), at: position, depth: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1000, max: 200_000 })), closed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('attribute' as const), size: fc.oneof(fc.integer({ min: 1000, max: 100_000 }), fc.integer({ min: 100_000, max: 1_500_000 })), quote: fc.constantFrom('"', "'", '') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('declare' as const), encoding: fc.constantFrom(...ENCODINGS) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reencode' as const), as: fc.constantFrom('utf16le' as const, 'utf16be' as const, 'latin1' as const, 'bom' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }) },
);

function splice(body: Buffer, at: number, insert: Buffer, remove = 0): Buffer {
  const i = at % (body.length + 1);
  return Buffer.concat([body.subarray(0, i), insert, body.subarray(Math.min(body.length, i + remove))]);
}

export function mutate(body: Buffer, m: Mutation): Buffer {
  switch (m.op) {
    case 'flip': {
      if (body.length === 0) return body;
      const out = Buffer.from(body);
      m.at.forEach((at, k) => (out[at % out.length] = out[at % out.length]! ^ m.bits[k]!));
      return out;
    }
    case 'truncate': return body.subarray(0, m.at % (body.length + 1));
    case 'insert': return splice(body, m.at, Buffer.from(m.fragment, 'utf8'));
    case 'bytes': return splice(body, m.at, Buffer.from(m.bytes));
    case 'delete': return splice(body, m.at, Buffer.alloc(0), m.length);
    case 'nest': {
      const open = '<a>'.repeat(m.depth);
      if (!m.closed) return splice(body, m.at, Buffer.from(open));
      // Inside the root element when there is one, so the document may stay well-formed.
      const inside = body.indexOf('</Meddelande>');
      return splice(body, inside >= 0 ? inside : m.at, Buffer.from(open + '</a>'.repeat(m.depth)));
    }
    case 'attribute': {
      const tag = body.indexOf('<Meddelande');
      const at = tag >= 0 ? tag + '<Meddelande'.length : 0;
      return splice(body, at, Buffer.from(` huge=${m.quote}${'A'.repeat(m.size)}${m.quote}`));
    }
    case 'declare': {
      const s = body.toString('latin1');
      const declared = s.replace(/encoding\s*=\s*["'][^"']*["']/, `encoding="${m.encoding}"`);
      return Buffer.from(declared === s ? `<?xml version="1.0" encoding="${m.encoding}"?>${s}` : declared, 'latin1');
    }
    case 'reencode': {
      const s = body.toString('utf8');
      if (m.as === 'latin1') return Buffer.from(s, 'latin1');
      if (m.as === 'bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
      return m.as === 'utf16le' ? le : Buffer.from(le).swap16();
    }
  }
}

const XML_TYPES = [
  'application/xml', 'text/xml', 'application/xml; charset=utf-8', 'application/xml; charset=UTF-8', 'text/xml; charset=iso-8859-1',
  'application/xml; charset=latin1', 'application/xml;charset="ISO-8859-1"', 'APPLICATION/XML', 'Application/Xml ; Charset=UTF-8',
  'application/xml; charset=utf-16', 'application/xml; charset=', 'application/xml; charset=windows-1252', 'application/xml; boundary=x',
];
const OTHER_TYPES = [
  'text/plain', 'text/plain; charset=utf-8', 'application/json', 'application/json; charset=utf-8', 'multipart/form-data; boundary=----fuzz',
  'application/x-www-form-urlencoded', 'application/octet-stream', 'application/soap+xml', 'application/problem+json', 'text/html',
  '*/*', 'xml', 'application/', '/', ';', ';;charset=utf-8', 'application/xml/extra', 'text/xml, application/xml', '\u00e5/\u00e4',
];

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...XML_TYPES) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) },
  // Only what Node lets a client send as a header value.
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e\t]/g, '').trim()) },
);

const xmlBase: fc.Arbitrary<{ kind: string; body: Buffer }> = fc.oneof(
  { weight: 3, arbitrary: generatedMessage.map((s) => ({ kind: 'generated', body: Buffer.from(s, 'utf8') })) },
  { weight: 2, arbitrary: fc.constantFrom(...FIXTURES).map((f) => ({ kind: `fixture:${f.name}`, body: f.bytes })) },
);

const xmlInput: fc.Arbitrary<FuzzInput> = fc
  .record({ base: xmlBase, mutations: fc.oneof(fc.constant([] as Mutation[]), fc.array(mutation, { minLength: 1, maxLength: 3 })), contentType })
  .map(({ base, mutations, contentType }) => ({
    kind: mutations.length === 0 ? base.kind : `${base.kind.split(':')[0]}+${mutations.map((m) => m.op).join('+')}`,
    contentType,
    body: mutations.reduce(mutate, base.body),
  }));

const jsonInput: fc.Arbitrary<FuzzInput> = fc
  .record({ value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...TEMPLATES).map((xml) => ({ xml }))), type: fc.constantFrom('application/json', 'application/json; charset=utf-8') })
  .map(({ value, type }) => ({ kind: 'json', contentType: type, body: Buffer.from(JSON.stringify(value) ?? 'null') }));

const plainInput: fc.Arbitrary<FuzzInput> = fc
  .record({ body: fc.oneof(fc.constantFrom(...TEMPLATES), fc.string({ maxLength: 200 })), type: fc.constantFrom('text/plain', 'text/plain; charset=utf-8', 'text/html') })
  .map(({ body, type }) => ({ kind: 'text', contentType: type, body: Buffer.from(body) }));

const multipartInput: fc.Arbitrary<FuzzInput> = fc.constantFrom(...TEMPLATES).map((xml) => ({
  kind: 'multipart',
  contentType: 'multipart/form-data; boundary=----fuzz',
  body: Buffer.from(`------fuzz\r\nContent-Disposition: form-data; name="file"; filename="m.xml"\r\nContent-Type: application/xml\r\n\r\n${xml}\r\n------fuzz--\r\n`),
}));

const formInput: fc.Arbitrary<FuzzInput> = fc.constantFrom(...TEMPLATES).map((xml) => ({
  kind: 'form', contentType: 'application/x-www-form-urlencoded', body: Buffer.from(`message=${encodeURIComponent(xml)}`),
}));

const randomBytes: fc.Arbitrary<FuzzInput> = fc
  .record({ body: fc.uint8Array({ maxLength: 2000 }), contentType })
  .map(({ body, contentType }) => ({ kind: 'random-bytes', contentType, body: Buffer.from(body) }));

const emptyBody: fc.Arbitrary<FuzzInput> = contentType.map((type) => ({ kind: 'empty', contentType: type, body: Buffer.alloc(0) }));

export const fuzzInput: fc.Arbitrary<FuzzInput> = fc.oneof(
  { weight: 40, arbitrary: xmlInput },
  { weight: 2, arbitrary: jsonInput },
  { weight: 2, arbitrary: plainInput },
  { weight: 1, arbitrary: multipartInput },
  { weight: 1, arbitrary: formInput },
  { weight: 2, arbitrary: randomBytes },
  { weight: 1, arbitrary: emptyBody },
);
