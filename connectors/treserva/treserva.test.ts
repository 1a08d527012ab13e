// The Treserva mapping, proved by fixtures: each folder under fixtures/ is one case, input.xml
// (a Treserva file) or input.json (a canonical event going out), meta.json, and expected.json,
// expected-error.json and/or output.xml. A new case is new files, not new test code.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import { validateEvent } from '../../src/canonical/validate.ts';
import { parseXmlDocument } from '../../src/canonical/xml-input.ts';
import { BryggaError, ERRORS } from '../../src/errors.ts';
import { fixtureFolders, parsedFixtureTests, thrown, valuesOf, type Labels } from '../../test/support/fixtures.ts';
import { orderIdFor } from '../../src/canonical/envelope.ts';
import { orderIdOf } from '../../src/canonical/references.ts';
import { parseTreservaFile } from './inbound.ts';
import { HEADER, MESSAGES, outboundMapOf } from './mapping.ts';
import { renderTreservaFile, type TreservaTarget } from './outbound.ts';
import { joinName, splitName } from './values.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const ctx = { receivedAt: Date.parse('2027-03-01T09:00:00+01:00'), pseudonymKey: 'test-key', maxBytes: 5 * 1024 * 1024 };

interface Fixture {
  name: string;
  description: string;
  contentType?: string;
  input?: Buffer;
  event?: CloudEvent;
  expected?: CloudEvent[];
  expectedError?: { code: string; problems: { code: string; field: string; rule: string }[] };
  outbound?: { target: TreservaTarget; createdAt: string };
  output?: Buffer;
}

function loadFixtures(): Fixture[] {
  return fixtureFolders(FIXTURES).map((folder) => {
    const meta = folder.json('meta.json') ?? {};
    return {
      name: folder.name,
      description: meta.description ?? folder.name,
      contentType: meta.contentType,
      input: folder.bytes('input.xml'),
      event: folder.json('input.json'),
      expected: folder.json('expected.json'),
      expectedError: folder.json('expected-error.json'),
      outbound: meta.outbound,
      output: folder.bytes('output.xml'),
    };
  });
}

const fixtures = loadFixtures();

/** Labels (Handelse, roll, mime, the schema version and namespaces) are not values: they may be named. */
const LABELS: Labels = {
  element: (name) => name === 'Handelse',
  attribute: (name) => ['mime', 'roll', 'schemaVersion'].includes(name) || name.startsWith('xmlns'),
};

const parse = (f: Fixture) => parseTreservaFile(f.input!, f.contentType, ctx);
/** The data without the header of the hop (origin), which is the new file's. */
const content = (event: CloudEvent) => {
  const { origin: _origin, ...rest } = event.data as Record<string, unknown>;
  return rest;
};

describe('Treserva fixtures', () => {
  it('each case has one input and something to check it against', () => {
    for (const f of fixtures) {
      expect(Number(!!f.input) + Number(!!f.event), `${f.name}: input.xml or input.json`).toBe(1);
      if (f.input) expect(Number(!!f.expected) + Number(!!f.expectedError), `${f.name}: expected.json or expected-error.json`).toBe(1);
      else expect(f.output, `${f.name}: output.xml`).toBeDefined();
      expect(!!f.output, `${f.name}: output.xml with meta.json outbound`).toBe(!!f.outbound);
    }
  });

  parsedFixtureTests(fixtures, parse);

  for (const f of fixtures.filter((x) => x.output)) {
    it(`${f.name} goes out as output.xml: ${f.description}`, () => {
      const event = f.event ?? f.expected![0]!;
      const rendered = renderTreservaFile(event, f.outbound!.target, f.outbound!.createdAt);
      expect(rendered.toString('utf8')).toBe(f.output!.toString('utf8'));
      if (outboundMapOf(event.type)?.direction === 'out') return; // Treserva never sends it back
      // native → canonical → native → canonical: nothing of the content is lost.
      const [back] = parseTreservaFile(rendered, undefined, ctx);
      expect(back!.type).toBe(event.type);
      expect(back!.subject).toBe(event.subject);
      expect(content(back!)).toMatchObject(content(event));
    });
  }

  it('refusals name fields and rules but never echo a value (personal data)', () => {
    for (const f of fixtures.filter((x) => x.expectedError?.code === 'BRY_INVALID_MESSAGE')) {
      const error = thrown(() => parse(f));
      const said = `${error.message}\n${JSON.stringify(error.problems)}`;
      for (const value of valuesOf(parseXmlDocument(f.input!, { contentType: f.contentType, maxBytes: ctx.maxBytes }), LABELS)) {
        expect(said, `${f.name} echoes a value`).not.toContain(value);
      }
    }
  });

  it('every Handelse Treserva sends has a fixture that reads it, and every event Treserva receives one that writes it', () => {
    const read = new Set(fixtures.flatMap((f) => f.expected ?? []).map((e) => e.type));
    const written = new Set(fixtures.filter((f) => f.output).map((f) => (f.event ?? f.expected![0]!).type));
    for (const map of MESSAGES) {
      if (map.direction === 'both') expect(read, map.handelse).toContain(map.eventType);
      expect(written, `${map.handelse} (${map.eventType})`).toContain(map.eventType);
    }
  });
});

describe('Treserva inbound', () => {
  const order = fixtures.find((f) => f.name === 'nytt')!;

  it('the same file read again (another day, after a crash) gives the same event id', () => {
    const first = parse(order)[0]!;
    const again = parseTreservaFile(order.input!, undefined, { ...ctx, receivedAt: ctx.receivedAt + 86_400_000 })[0]!;
    expect(again).toEqual(first);
  });

  it('the event id follows UppdragsId, Handelse and Tidpunkt', () => {
    const text = order.input!.toString('utf8');
    const later = Buffer.from(text.replace('2026-11-23T10:02:11', '2026-11-23T10:02:12'));
    expect(parseTreservaFile(later, undefined, ctx)[0]!.id).not.toBe(parse(order)[0]!.id);
  });

  it('times without offset are Swedish local time, summer and winter', () => {
    const text = order.input!.toString('utf8');
    const summer = parseTreservaFile(Buffer.from(text.replace('2026-11-23T10:02:11', '2026-07-01T10:02:11')), undefined, ctx)[0]!;
    expect(summer.time).toBe('2026-07-01T10:02:11+02:00');
    expect(parse(order)[0]!.time).toBe('2026-11-23T10:02:11+01:00');
  });

  it('an UppdragsId carrying another system\'s reference (lifecare:B-…) is that system\'s order, answered in Treserva', () => {
    expect(orderIdOf('treserva', 'lifecare:B-2026-5531')).toBe(orderIdFor('lifecare', 'B-2026-5531'));
    expect(orderIdOf('treserva', 'TR-88231')).toBe(orderIdFor('treserva', 'TR-88231'));
  });

  it('R-ORDER-CONTENT: a case officer\'s name is never carried', () => {
    const data = parse(order)[0]!.data as { origin: { sender: object } };
    expect(data.origin.sender).toEqual({ role: 'caseOfficer', id: 'ss-203' });
    expect(JSON.stringify(data)).not.toContain('Omar Lind');
  });

  it('refuses a file over the configured limit before reading it', () => {
    expect(thrown(() => parseTreservaFile(order.input!, undefined, { ...ctx, maxBytes: order.input!.length - 1 })).code).toBe('BRY_BODY_TOO_LARGE');
    expect(parseTreservaFile(order.input!, undefined, { ...ctx, maxBytes: order.input!.length })).toHaveLength(1);
  });
});

describe('Treserva outbound', () => {
  const events = fixtures.flatMap((f) => f.expected ?? []);
  const target = { addressType: 'caseOfficer', addressId: 'ss-203' };

  it('escapes markup in values and writes what XML cannot carry as U+FFFD', () => {
    const event = events.find((e) => e.type === EVENT_TYPES.orderNotStarted)!;
    const hostile = { ...event, data: { ...(event.data as object), reason: '</Orsak><Orsak>&x; "\' \u0001' } } as CloudEvent;
    const [back] = parseTreservaFile(renderTreservaFile(hostile, target, event.time), undefined, ctx);
    expect((back!.data as { reason: string }).reason).toBe('</Orsak><Orsak>&x; "\' \uFFFD');
  });

  it('refuses to render an event Treserva has no Handelse for (not retryable)', () => {
    const event = { ...events[0]!, type: EVENT_TYPES.daysExpanded } as CloudEvent;
    const error = thrown(() => renderTreservaFile(event, target, event.time));
    expect(error.code).toBe('BRY_DELIVERY_REJECTED');
    expect(error.retryable).toBe(false);
  });

  it('splits a whole name for Fornamn and Efternamn, keeping particles with the family name', () => {
    expect(splitName('Tolvan Tolvansson')).toEqual({ given: 'Tolvan', family: 'Tolvansson' });
    expect(splitName('Anna Maria von Essen')).toEqual({ given: 'Anna Maria', family: 'von Essen' });
    expect(splitName('Cher')).toEqual({ family: 'Cher' });
    expect(joinName('Anna Maria', 'von Essen')).toBe('Anna Maria von Essen');
    expect(joinName(undefined, 'Cher')).toBe('Cher');
  });
});

describe('Treserva README', () => {
  it('documents every Handelse and every mapped element (the table cannot silently drift)', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    for (const map of MESSAGES) {
      expect(readme, map.handelse).toContain(`### ${map.handelse} `);
      const paths = [
        ...map.fields.map((f) => f.xml),
        ...(map.names ?? []).flatMap((n) => [n.given, n.family]),
        ...(map.lists ?? []).flatMap((l) => [l.xml, ...l.items.map((f) => `${l.xml}/${f.xml}`.replace('/.', '')), ...(l.names ?? []).flatMap((n) => [`${l.xml}/${n.given}`, `${l.xml}/${n.family}`])]),
        ...(map.attachment ? [map.attachment.xml] : []),
      ];
      for (const path of paths) expect(readme, `${map.handelse} ${path}`).toContain(`\`${path}\``);
    }
    for (const field of HEADER) expect(readme).toContain(`\`${field.xml}\``);
  });
});

describe('Treserva mutated files (fast-check)', () => {
  const inputs = fixtures.filter((f) => f.input).map((f) => f.input!);
  const mutated = fc.oneof(
    // a byte changed, bytes cut off, a slice removed
    fc.tuple(fc.constantFrom(...inputs), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([b, i, v]) => {
      const copy = Buffer.from(b);
      copy[i % copy.length] = v;
      return copy;
    }),
    fc.tuple(fc.constantFrom(...inputs), fc.nat()).map(([b, n]) => b.subarray(0, n % b.length)),
    fc.tuple(fc.constantFrom(...inputs), fc.nat(), fc.nat({ max: 200 })).map(([b, at, n]) => Buffer.concat([b.subarray(0, at % b.length), b.subarray((at % b.length) + n)])),
    // an element's text replaced by anything
    fc.tuple(fc.constantFrom(...inputs), fc.nat(), fc.string({ maxLength: 40 })).map(([b, k, s]) => {
      const text = b.toString('latin1');
      const values = [...text.matchAll(/>([^<>]+)</g)];
      if (values.length === 0) return b;
      const m = values[k % values.length]!;
      return Buffer.from(text.slice(0, m.index! + 1) + s + text.slice(m.index! + 1 + m[1]!.length), 'latin1');
    }),
  );

  it('never crash: each gives valid events or a BryggaError with a known code', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        try {
          for (const event of parseTreservaFile(bytes, undefined, ctx)) validateEvent(event);
        } catch (error) {
          if (!(error instanceof BryggaError)) throw error;
          expect(ERRORS[error.code].status).toBeLessThan(500);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
