// The Lifecare connector, proved by fixtures: each folder under fixtures/ is one case
// (input.xml, meta.json, and expected.json or expected-error.json). A new case is new files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import { DeadlineBreachedData, OrderAcknowledgedData, ParticipantSummaryData } from '../../src/canonical/schemas/index.ts';
import { parseXmlDocument, type XmlElement } from '../../src/canonical/xml-input.ts';
import { fixtureFolders, parsedFixtureTests, thrown, valuesOf, type Labels } from '../../test/support/fixtures.ts';
import { parseLifecareMessage, unitReportId } from './inbound.ts';
import { HEADER, MESSAGES } from './mapping.ts';
import { parseLifecareReceipt, renderLifecareMessage } from './outbound.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const ctx = { receivedAt: Date.parse('2027-03-01T09:00:00+01:00'), pseudonymKey: 'test-key', maxBytes: 5 * 1024 * 1024 };

interface Fixture {
  name: string;
  description: string;
  contentType?: string;
  input: Buffer;
  expected?: CloudEvent[];
  expectedError?: { code: string; problems: { code: string; field: string; rule: string }[] };
}

function loadFixtures(): Fixture[] {
  return fixtureFolders(FIXTURES).map((folder) => {
    const meta = folder.json('meta.json') ?? {};
    return {
      name: folder.name,
      description: meta.description ?? folder.name,
      contentType: meta.contentType,
      input: folder.bytes('input.xml')!,
      expected: folder.json('expected.json'),
      expectedError: folder.json('expected-error.json'),
    };
  });
}

const fixtures = loadFixtures();

/** Type labels (Typ, mime) are not values: they may be named. */
const LABELS: Labels = { element: (name) => name === 'Typ', attribute: (name) => name === 'mime' };

const parse = (f: Fixture) => parseLifecareMessage(f.input, f.contentType, ctx);

describe('Lifecare fixtures', () => {
  it('has exactly one expectation per case', () => {
    for (const f of fixtures) expect(Number(!!f.expected) + Number(!!f.expectedError), f.name).toBe(1);
  });

  parsedFixtureTests(fixtures, parse);

  it('refusals name fields and rules but never echo a value (personal data)', () => {
    for (const f of fixtures.filter((x) => x.expectedError?.code === 'BRY_INVALID_MESSAGE')) {
      const error = thrown(() => parse(f));
      const said = `${error.message}\n${JSON.stringify(error.problems)}`;
      for (const value of valuesOf(parseXmlDocument(f.input, { contentType: f.contentType, maxBytes: ctx.maxBytes }), LABELS)) {
        expect(said, `${f.name} echoes a value`).not.toContain(value);
      }
    }
  });
});

describe('Lifecare inbound', () => {
  const order = fixtures.find((f) => f.name === 'bestallning')!;

  it('a re-sent message gives the same event id (Lifecare MeddelandeId is the idempotency key)', () => {
    const first = parse(order)[0]!;
    const again = parseLifecareMessage(order.input, undefined, { ...ctx, receivedAt: ctx.receivedAt + 86_400_000 })[0]!;
    expect(again.id).toBe(first.id);
    expect(again).toEqual(first);
  });

  it('reads Avsandare/Mottagare typ into Brygga\'s roles and refuses a typ its table does not know, by field', () => {
    const unknown = Buffer.from(order.input.toString('utf8').replace('typ="INKORG"', 'typ="BISTANDSCHEF"'));
    const error = thrown(() => parseLifecareMessage(unknown, undefined, ctx));
    expect(error.code).toBe('BRY_INVALID_MESSAGE');
    expect(error.problems).toEqual([expect.objectContaining({ code: 'BRY_INVALID_FIELD', field: 'Huvud/Mottagare/@typ', rule: 'FORMAT-LIFECARE' })]);
    expect(error.problems[0]!.detail).toMatch(/^must be one of HANDLAGGARE, ENHET, INKORG/);
  });

  it('R-ORDER-CONTENT: a case officer\'s name is never carried, an inbox\'s is', () => {
    const data = parse(order)[0]!.data as { origin: { sender: object; recipient: object } };
    expect(data.origin.sender).toEqual({ role: 'caseOfficer', id: 'bih-4711' });
    expect(data.origin.recipient).toEqual({ role: 'inbox', name: 'ÄO Dagverksamhet Inkorg' });
  });

  it('names a unit report by the unit, but never by a personnummer typed into the unit name', () => {
    expect(unitReportId('Hemtjänst Öster 2', '2026-11')).toBe('unit:hemtjanst-oster-2:2026-11');
    const mistyped = unitReportId('19121212-1212', '2026-11');
    expect(mistyped).toMatch(/^unit:u-[0-9a-f]{12}:2026-11$/);
    expect(unitReportId('19121212-1212', '2026-11')).toBe(mistyped);
  });

  it('refuses a body over the configured limit before reading it', () => {
    expect(thrown(() => parseLifecareMessage(order.input, undefined, { ...ctx, maxBytes: order.input.length - 1 })).code).toBe('BRY_BODY_TOO_LARGE');
    expect(parseLifecareMessage(order.input, undefined, { ...ctx, maxBytes: order.input.length })).toHaveLength(1);
  });

  it('refuses an attachment that takes the body over the default 5 MiB', () => {
    const plan = fixtures.find((f) => f.name === 'genomforandeplan')!.input.toString('utf8');
    const big = Buffer.alloc(4 * 1024 * 1024, 0x41).toString('base64');
    const body = Buffer.from(plan.replace(/(<Bilaga[^>]*>)[\s\S]*?(<\/Bilaga>)/, `$1JVBERi0x${big}$2`));
    expect(body.length).toBeGreaterThan(ctx.maxBytes);
    expect(thrown(() => parseLifecareMessage(body, undefined, ctx)).code).toBe('BRY_BODY_TOO_LARGE');
  });
});

describe('Lifecare round trip: canonical → Lifecare → canonical', () => {
  const target = { addressType: 'INKORG', addressName: 'ÄO Dagverksamhet Inkorg' };
  const events = fixtures.filter((f) => f.expected).flatMap((f) => f.expected!);
  // Huvud describes the hop (Brygga sends it), so origin and Referens are the new message's.
  const content = (event: CloudEvent) => {
    const { origin: _origin, previousMessageId: _previous, ...rest } = event.data as Record<string, unknown>;
    return rest;
  };

  for (const map of MESSAGES.filter((m) => m.direction === 'both')) {
    it(`${map.typ} (${map.rule}) parses back to the same data`, () => {
      const sources = events.filter((e) => e.type === map.eventType);
      expect(sources.length, `a fixture of ${map.typ}`).toBeGreaterThan(0);
      for (const event of sources) {
        const createdAt = ((event.data as { registeredAt?: string }).registeredAt ?? event.time);
        const xml = renderLifecareMessage(event, target, 'BRY-RT-1', createdAt);
        const [back] = parseLifecareMessage(xml, 'application/xml', ctx);
        expect(back!.type).toBe(event.type);
        expect(back!.subject).toBe(event.subject);
        expect(content(back!)).toEqual(content(event));
      }
    });
  }

  it('writes the header: Brygga as sender, the target as recipient, Referens to the source message', () => {
    const event = events.find((e) => e.type === EVENT_TYPES.orderPlaced)!;
    const root = parseXmlDocument(renderLifecareMessage(event, { addressType: 'INKORG', addressId: 'ink-1', addressName: 'ÄO <Dagverksamhet> & "Inkorg"' }, 'BRY-1', '2026-11-23T09:14:05+01:00'), { maxBytes: 1e6 });
    const huvud = root.children.find((c) => c.name === 'Huvud')!;
    const get = (name: string) => huvud.children.find((c) => c.name === name)!;
    expect(root.name).toBe('Meddelande');
    expect(root.attributes.version).toBe('2.3');
    expect(get('MeddelandeId').text).toBe('BRY-1');
    expect(get('Avsandare').attributes).toEqual({ typ: 'SYSTEM', id: 'brygga' });
    expect(get('Mottagare')).toMatchObject({ attributes: { typ: 'INKORG', id: 'ink-1' }, text: 'ÄO <Dagverksamhet> & "Inkorg"' });
    expect(get('Referens').text).toBe('LC-2026-000123');
  });

  it('writes a case officer, addressed by Brygga\'s role, as Lifecare\'s Mottagare typ HANDLAGGARE', () => {
    const event = events.find((e) => e.type === EVENT_TYPES.orderExecuted)!;
    const root = parseXmlDocument(renderLifecareMessage(event, { addressType: 'caseOfficer', addressId: 'bih-4711' }, 'BRY-6', event.time), { maxBytes: 1e6 });
    const mottagare = root.children.find((c) => c.name === 'Huvud')!.children.find((c) => c.name === 'Mottagare')!;
    expect(mottagare.attributes).toEqual({ typ: 'HANDLAGGARE', id: 'bih-4711' });
  });

  it('escapes markup in values', () => {
    const event = events.find((e) => e.type === EVENT_TYPES.orderNotStarted)!;
    const hostile = { ...event, data: { ...(event.data as object), reason: '</Orsak><Orsak>&x; "\' \u0001' } } as CloudEvent;
    const xml = renderLifecareMessage(hostile, target, 'BRY-2', event.time);
    const [back] = parseLifecareMessage(xml, undefined, ctx);
    expect((back!.data as { reason: string }).reason).toBe('</Orsak><Orsak>&x; "\' \uFFFD');
  });
});

describe('Lifecare messages Brygga adds (README)', () => {
  const target = { addressType: 'caseOfficer', addressId: 'bih-4711' };
  const event = (type: CloudEvent['type'], data: unknown): CloudEvent => ({
    specversion: '1.0', id: 'e-1', source: '/brygga/deadlines', type, time: '2026-11-27T00:00:00+01:00',
    subject: 'ord-4b3e1c0a-7d2f-5a91', datacontenttype: 'application/json', correlationid: 'ord-4b3e1c0a-7d2f-5a91', data,
  });
  const text = (xml: Buffer, path: string[]) =>
    path.reduce<XmlElement | undefined>((el, name) => el?.children.find((c) => c.name === name), parseXmlDocument(xml, { maxBytes: 1e6 }))?.text;

  it('R-KVITTENS-3VD: a breached deadline is a PAMINNELSE naming kind, rule and due time, no personal data', () => {
    const xml = renderLifecareMessage(event(EVENT_TYPES.deadlineBreached, DeadlineBreachedData.examples[0]), target, 'BRY-3', '2026-11-27T00:00:05+01:00');
    expect(text(xml, ['Huvud', 'Typ'])).toBe('PAMINNELSE');
    expect(text(xml, ['Arende', 'BeslutsId'])).toBe('B-2026-5531');
    expect(text(xml, ['Arende', 'Regel'])).toBe('R-KVITTENS-3VD');
    expect(text(xml, ['Text'])).toBe('Tidsfristen kvittens (R-KVITTENS-3VD) har passerats: den löpte ut vid utgången av 2026-11-26.');
  });

  it('a deadline warning is a PAMINNELSE that the time is near', () => {
    const data = { ...DeadlineBreachedData.examples[0], dueAt: '2026-11-26T14:30:00+01:00', context: {} };
    const xml = renderLifecareMessage(event(EVENT_TYPES.deadlineWarning, data), target, 'BRY-4', '2026-11-26T12:00:00+01:00');
    expect(text(xml, ['Text'])).toBe('Påminnelse: tidsfristen kvittens (R-KVITTENS-3VD) löper ut 2026-11-26 kl. 14:30.');
    expect(text(xml, ['Arende', 'BeslutsId'])).toBeUndefined();
  });

  it('R-ORDER-FAX-FALLBACK: an acknowledgement recorded by proxy reaches Lifecare as KVITTENS', () => {
    const xml = renderLifecareMessage(event(EVENT_TYPES.orderAcknowledged, OrderAcknowledgedData.examples[0]), target, 'BRY-5', '2026-11-24T11:06:00+01:00');
    const bekraftadAv = parseXmlDocument(xml, { maxBytes: 1e6 }).children.find((c) => c.name === 'Arende')!.children.find((c) => c.name === 'BekraftadAv')!;
    expect(text(xml, ['Huvud', 'Typ'])).toBe('KVITTENS');
    expect(text(xml, ['Arende', 'Mottagen'])).toBe('2026-11-24T11:05:00+01:00');
    expect(bekraftadAv.attributes).toEqual({ roll: 'AVGIFTSHANDLAGGARE', ombud: 'true' });
  });

  it('R-MONTHLY-LIST: the compiled participant lists reach the case officers as DELTAGARSAMMANSTALLNING, no personal data', () => {
    const data = ParticipantSummaryData.examples[0]!;
    const xml = renderLifecareMessage(event(EVENT_TYPES.participantSummary, data), { addressType: 'INKORG', addressName: 'Biståndshandläggare dagverksamhet' }, 'BRY-7', '2026-12-01T08:00:00+01:00');
    const arende = parseXmlDocument(xml, { maxBytes: 1e6 }).children.find((c) => c.name === 'Arende')!;
    const units = arende.children.filter((c) => c.name === 'Enhet');
    expect(text(xml, ['Huvud', 'Typ'])).toBe('DELTAGARSAMMANSTALLNING');
    expect(text(xml, ['Arende', 'Manad'])).toBe('2026-11');
    expect(text(xml, ['Arende', 'Totalt', 'AntalBesokare'])).toBe('23');
    expect(units.map((u) => [u.children.find((c) => c.name === 'Namn')?.text, u.attributes.inkommen])).toEqual([
      ['Månstorps Ängar dagverksamhet', 'true'],
      ['Solgläntan dagverksamhet', 'false'],
    ]);
    expect(units[1]!.children.map((c) => c.name)).toEqual(['Namn']);
    expect(text(xml, ['Text'])).toBe(data.text.trim()); // the reader trims the element text
    expect(xml.toString('utf8')).not.toMatch(/Personnummer|\d{8}-?\d{4}/);
  });

  it('refuses to render an event Lifecare has no message for', () => {
    expect(thrown(() => renderLifecareMessage(event(EVENT_TYPES.deliverySucceeded, {}), target, 'BRY-6', '2026-11-27T00:00:00+01:00')).code).toBe('BRY_DELIVERY_REJECTED');
  });
});

describe('Lifecare Kvitto', () => {
  it('reads the MeddelandeId of the answer, namespaced or not', () => {
    expect(parseLifecareReceipt('<Kvitto><MeddelandeId> BRY-1 </MeddelandeId></Kvitto>')).toBe('BRY-1');
    expect(parseLifecareReceipt('<?xml version="1.0"?><lc:Kvitto xmlns:lc="urn:lifecare:meddelande:2"><lc:MeddelandeId>BRY-2</lc:MeddelandeId></lc:Kvitto>')).toBe('BRY-2');
  });

  it('gives undefined for anything else', () => {
    for (const body of ['', 'OK', '<Kvitto/>', '<Fel><MeddelandeId>x</MeddelandeId></Fel>', '<!DOCTYPE x><Kvitto/>']) {
      expect(parseLifecareReceipt(body)).toBeUndefined();
    }
  });
});

describe('Lifecare README', () => {
  it('documents every Typ and every mapped element (the table cannot silently drift)', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    for (const map of MESSAGES) {
      expect(readme, map.typ).toContain(`### ${map.typ} `);
      const paths = [
        ...map.fields.map((f) => f.xml),
        ...(map.lists ?? []).flatMap((l) => [l.xml, ...l.items.map((f) => `${l.xml}/${f.xml}`.replace('/.', ''))]),
        ...(map.attachment ? [map.attachment.xml] : []),
      ];
      for (const path of paths) expect(readme, `${map.typ} ${path}`).toContain(`\`${path}\``);
    }
    for (const field of HEADER) expect(readme).toContain(`\`${field.xml}\``);
  });
});
