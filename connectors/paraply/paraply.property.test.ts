// Property: whatever Paraply (or anyone) posts, mutated from the fixtures, Brygga never crashes
// and never answers with an internal error: it is a SOAP response with a valid event, or a
// Client Fault with a stable code (HTTP 500; 413 or 415 for size and media type), dead-lettered.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/canonical/validate.ts';
import { parseXmlDocument } from '../../src/canonical/xml-input.ts';
import { BryggaError, ERRORS } from '../../src/errors.ts';
import { openParaplyHarness, type ParaplyHarness } from '../../test/support/paraply-harness.ts';
import { readParaplyPost } from './inbound.ts';
import { readFault } from './soap.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const DOCUMENTS = readdirSync(FIXTURES)
  .filter((name) => existsSync(new URL(`${name}/input.xml`, FIXTURES)))
  .map((name) => readFileSync(new URL(`${name}/input.xml`, FIXTURES)).toString('latin1'));

const VALUES = [
  '', ' ', '19121212-1212', '121212+1212', '19121212-1213', '2026-02-30', '2026-11-23T25:00', 'true', 'false', 'ja', '0', '8', '-1',
  'DAGVERKSAMHET', 'HEMTJANST', 'DEMENS', 'SOCIAL', '&amp;', '&lt;x&gt;', '&#0;', '&#x1F600;', 'Ångström', 'x'.repeat(5000),
];
const FRAGMENTS = [
  '<', '>', '&', '&e;', '<!DOCTYPE x>', '<!ENTITY e "x">', '<![CDATA[<x>]]>', '</par:Bestallning>', '<par:Okand/>', '<?pi x?>',
  '<soapenv:Body>', '<par:Avslut><par:BestallningsId>P-1</par:BestallningsId></par:Avslut>', '\u0000', '\uFFFF', '"', "'",
];

const mutation = fc.oneof(
  // an attribute value or element text replaced
  fc.record({ op: fc.constant('value' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 40 })) }),
  // an element dropped
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), fragment: fc.constantFrom(...FRAGMENTS) }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(document: string, mutations: Mutation[]): Buffer {
  let text = document;
  for (const m of mutations) {
    if (m.op === 'value') {
      const spots = [...text.matchAll(/="([^"]*)"|>([^<]+)</g)];
      const spot = spots[m.at % Math.max(spots.length, 1)];
      if (!spot) continue;
      const value = m.value.replace(/[<"]/g, '');
      text = spot[1] !== undefined
        ? `${text.slice(0, spot.index)}="${value}"${text.slice(spot.index + spot[0].length)}`
        : `${text.slice(0, spot.index)}>${value}<${text.slice(spot.index + spot[0].length)}`;
    } else if (m.op === 'drop') {
      const spots = [...text.matchAll(/<(\w+:)?(\w+)[^<>]*\/>|<((\w+:)?\w+)[^<>]*>[^<]*<\/\3>/g)];
      const spot = spots[m.at % Math.max(spots.length, 1)];
      if (spot) text = text.slice(0, spot.index) + text.slice(spot.index + spot[0].length);
    } else if (m.op === 'truncate') {
      text = text.slice(0, m.at % (text.length + 1));
    } else if (m.op === 'insert') {
      const at = m.at % (text.length + 1);
      text = text.slice(0, at) + m.fragment + text.slice(at);
    }
  }
  const bytes = Buffer.from(text, 'latin1');
  for (const m of mutations) if (m.op === 'flip' && bytes.length > 0) bytes[m.at % bytes.length] = m.byte;
  return bytes;
}

const input = fc.record({
  document: fc.constantFrom(...DOCUMENTS),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  contentType: fc.constantFrom('text/xml', 'text/xml; charset=utf-8', 'text/xml; charset=ISO-8859-1', 'application/xml', undefined),
});

const ctx = { receivedAt: Date.parse('2026-11-23T09:00:00+01:00'), pseudonymKey: 'test-key', maxBytes: 64 * 1024, backdatedToleranceMs: 86_400_000 };

describe('Paraply: mutated documents (fast-check)', () => {
  it('the parser returns valid events or throws a BryggaError with a known code, never anything else', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(input, ({ document, mutations, contentType }) => {
        const body = mutate(document, mutations);
        try {
          for (const event of readParaplyPost(body, contentType, ctx).events) validateEvent(event);
          seen.accepted += 1;
        } catch (error) {
          if (!(error instanceof BryggaError)) throw error;
          seen.refused += 1;
          expect(Object.keys(ERRORS)).toContain(error.code);
          expect(error.code).not.toBe('BRY_SCHEMA_VIOLATION');
        }
      }),
      { numRuns: 3000 },
    );
    // Both ways are exercised: mutations that keep a document valid, and ones that break it.
    expect(seen.accepted).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(50);
  });

  describe('through the SOAP route', () => {
    let h: ParaplyHarness;
    beforeAll(async () => {
      h = await openParaplyHarness({ endpoint: 'http://127.0.0.1:9/paraply', timeoutMs: 1000, backdatedToleranceMs: 86_400_000 }, 64 * 1024);
    });
    afterAll(async () => h?.close());

    it('answers a SOAP response or a Client Fault with a stable code, never an internal error', async () => {
      await fc.assert(
        fc.asyncProperty(input, async ({ document, mutations, contentType }) => {
          const body = mutate(document, mutations);
          const response = await h.app.inject({ method: 'POST', url: '/connectors/paraply/soap', headers: contentType ? { 'content-type': contentType } : {}, payload: body });
          expect([200, 413, 415, 500]).toContain(response.statusCode);
          expect(response.headers['content-type']).toMatch(/^text\/xml/);
          const root = parseXmlDocument(response.rawPayload, { maxBytes: 1024 * 1024, contentType: String(response.headers['content-type']) });
          if (response.statusCode === 200) {
            expect(root.children.find((c) => c.name === 'Body')!.children[0]!.name).toMatch(/Response$/);
            return;
          }
          const fault = readFault(root);
          expect(fault?.code).toBe('Client');
          expect(Object.keys(ERRORS)).toContain(fault!.faultstring.split(':')[0]);
        }),
        { numRuns: 400 },
      );
    });
  });
});
