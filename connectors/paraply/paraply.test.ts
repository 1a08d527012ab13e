// The Paraply connector, proved by fixtures: each folder under fixtures/ is one case. Inbound:
// input.xml (+ meta.json: description, contentType, receivedAt) → expected.json or
// expected-error.json. Outbound: input.json (a canonical event) → output.xml or
// expected-error.json. Answers: answer.xml served by a real HTTP stand-in for Paraply →
// expected.json (the receipt) or expected-error.json. A new case is new files.
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { validateEvent } from '../../src/canonical/validate.ts';
import { parseXmlDocument } from '../../src/canonical/xml-input.ts';
import { BryggaError } from '../../src/errors.ts';
import { fixtureFolders, thrown, valuesOf, type Labels } from '../../test/support/fixtures.ts';
import { openParaplyHarness as openHarness, type ParaplyHarness as Harness } from '../../test/support/paraply-harness.ts';
import { ParaplyStandIn, okResponse } from '../../test/support/paraply-standin.ts';
import { waitFor } from '../../test/support/wait.ts';
import { ParaplyChannel } from './channel.ts';
import type { ParaplyConfig } from './index.ts';
import { readParaplyPost } from './inbound.ts';
import { renderParaplyRequest } from './outbound.ts';
import { readFault } from './soap.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const RECEIVED_AT = Date.parse('2026-11-23T09:00:00+01:00');
const DAY = 86_400_000;
const ctx = { receivedAt: RECEIVED_AT, pseudonymKey: 'test-key', maxBytes: 5 * 1024 * 1024, backdatedToleranceMs: DAY };

interface Fixture {
  name: string;
  meta: { description: string; contentType?: string | null; receivedAt?: string; deliveryId?: string; requestedAt?: string; status?: number };
  input?: Buffer;
  event?: CloudEvent;
  answer?: Buffer;
  output?: Buffer;
  expected?: unknown;
  expectedError?: { code: string; message?: string; problems?: { code: string; field: string; rule: string }[] };
}

const fixtures: Fixture[] = fixtureFolders(FIXTURES).map((folder) => ({
  name: folder.name,
  meta: folder.json('meta.json'),
  input: folder.bytes('input.xml'),
  event: folder.json('input.json'),
  answer: folder.bytes('answer.xml'),
  output: folder.bytes('output.xml'),
  expected: folder.json('expected.json'),
  expectedError: folder.json('expected-error.json'),
}));
const inbound = fixtures.filter((f) => f.input);
const outbound = fixtures.filter((f) => f.event);
const answers = fixtures.filter((f) => f.answer);

/** The Content-Type a fixture is posted with: meta.contentType (null: none), else text/xml. */
const contentTypeOf = (f: Fixture): string | undefined => ('contentType' in f.meta ? (f.meta.contentType ?? undefined) : 'text/xml');
const parse = (f: Fixture) =>
  readParaplyPost(f.input!, contentTypeOf(f), { ...ctx, receivedAt: f.meta.receivedAt ? Date.parse(f.meta.receivedAt) : RECEIVED_AT }).events;

/** Booleans (true, false) are not values that could be personal data. */
const LABELS: Labels = { element: (_name, text) => ['true', 'false'].includes(text) };

describe('Paraply fixtures', () => {
  it('every case is one of inbound, outbound or answer, with exactly one expectation', () => {
    expect(inbound.length + outbound.length + answers.length).toBe(fixtures.length);
    for (const f of fixtures) {
      expect(Number(!!f.input) + Number(!!f.event) + Number(!!f.answer), f.name).toBe(1);
      expect(Number(!!f.expected) + Number(!!f.expectedError) + Number(!!f.output), f.name).toBe(1);
      expect(f.meta?.description, f.name).toBeTruthy();
    }
  });

  for (const f of inbound.filter((x) => x.expected)) {
    it(`${f.name}: ${f.meta.description}`, () => {
      const events = parse(f);
      expect(events).toEqual(f.expected);
      for (const event of events) validateEvent(event);
    });
  }

  for (const f of inbound.filter((x) => x.expectedError)) {
    it(`${f.name} is refused: ${f.meta.description}`, () => {
      const error = thrown(() => parse(f));
      const got: Record<string, unknown> = { code: error.code };
      if (f.expectedError!.problems) got.problems = error.problems.map(({ code, field, rule }) => ({ code, field, rule }));
      expect(got).toEqual(f.expectedError);
    });
  }

  it('refusals name fields and rules but never echo a value (personal data)', () => {
    const checked = inbound.filter((x) => x.expectedError?.code === 'BRY_INVALID_MESSAGE');
    expect(checked.length).toBeGreaterThan(2);
    for (const f of checked) {
      const error = thrown(() => parse(f));
      const said = `${error.message}\n${JSON.stringify(error.problems)}`;
      for (const value of valuesOf(parseXmlDocument(f.input!, { contentType: contentTypeOf(f), maxBytes: ctx.maxBytes }), LABELS)) {
        expect(said, `${f.name} echoes a value`).not.toContain(value);
      }
    }
  });

  for (const f of outbound) {
    it(`${f.name}: ${f.meta.description}`, () => {
      validateEvent(f.event!);
      if (f.expectedError) {
        expect(thrown(() => renderParaplyRequest(f.event!, f.meta.deliveryId!, f.meta.requestedAt!)).code).toBe(f.expectedError.code);
        return;
      }
      const rendered = renderParaplyRequest(f.event!, f.meta.deliveryId!, f.meta.requestedAt!);
      expect(rendered.body.toString('utf8')).toBe(f.output!.toString('utf8'));
      // What Brygga sends reads back through its own safe input as a SOAP envelope.
      const root = parseXmlDocument(rendered.body, { contentType: 'text/xml; charset=utf-8', maxBytes: ctx.maxBytes });
      expect(root.name).toBe('Envelope');
    });
  }
});

describe('Paraply inbound', () => {
  const example = fixtures.find((f) => f.name === 'bestallning-ej-ansluten')!;

  it('a re-sent request gives the same event id (Meddelandeinfo/Id is the idempotency key)', () => {
    const first = parse(example)[0]!;
    const again = readParaplyPost(example.input!, 'text/xml', { ...ctx, receivedAt: RECEIVED_AT + 1000 }).events[0]!;
    expect(again.id).toBe(first.id);
    expect(again).toEqual(first);
  });

  it('R-ORDER-WRITTEN: back-dated is decided against the configured tolerance', () => {
    const registered = Date.parse('2026-11-23T07:58:00+01:00');
    const read = (receivedAt: number, backdatedToleranceMs: number) =>
      (readParaplyPost(example.input!, 'text/xml', { ...ctx, receivedAt, backdatedToleranceMs }).events[0]!.data as { backdated?: boolean }).backdated;
    expect(read(registered + DAY, DAY)).toBeUndefined();
    expect(read(registered + DAY + 1000, DAY)).toBe(true);
    expect(read(registered + 2 * 3_600_000, 3_600_000)).toBe(true);
    expect(read(registered + 2 * 3_600_000, 3 * 3_600_000)).toBeUndefined();
  });

  it('R-ORDER-FAX-FALLBACK: ansluten="false" is carried as provider.connected: false, with the fax and e-mail', () => {
    const data = parse(example)[0]!.data as { provider: Record<string, unknown> };
    expect(data.provider).toMatchObject({ id: 'UTF-0193', connected: false, fax: '08-123 456 78', email: 'bestallning@omsorgsbolaget.example.se' });
  });

  it('refuses a body over the configured limit', () => {
    expect(thrown(() => readParaplyPost(example.input!, 'text/xml', { ...ctx, maxBytes: example.input!.length - 1 })).code).toBe('BRY_BODY_TOO_LARGE');
  });
});

// ---------------------------------------------------------------------------------------------

const CONFIG: ParaplyConfig = { endpoint: 'http://127.0.0.1:9/paraply', timeoutMs: 2000, backdatedToleranceMs: DAY };

describe('Paraply SOAP route (real Fastify, intake on an embedded bus)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(CONFIG, 256 * 1024);
  });
  afterAll(async () => h?.close());

  const post = (body: Buffer | string, contentType?: string) =>
    fetch(h.url, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const example = fixtures.find((f) => f.name === 'bestallning-ej-ansluten')!;

  it('a Bestallning is answered with a SOAP response once its event is on the bus', async () => {
    const response = await post(example.input!, 'text/xml; charset=utf-8');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const root = parseXmlDocument(Buffer.from(await response.arrayBuffer()), { maxBytes: 65536 });
    const answer = root.children.find((c) => c.name === 'Body')!.children[0]!;
    expect(answer.name).toBe('BestallningResponse');
    const orderId = answer.children.find((c) => c.name === 'BryggaOrderId')!.text;
    expect(answer.children.find((c) => c.name === 'BestallningsId')!.text).toBe('P-2026-0042');
    const events = await waitFor(() => h.records(TOPICS.orderEvents).filter((e) => e.subject === orderId), (e) => e.length === 1, 'the order placed event');
    expect(events[0]!.type).toBe('se.brygga.order.placed.v1');
  });

  it('a refusal is a SOAP Fault with HTTP 500 naming field and rule, never a value, and its bytes are dead-lettered', async () => {
    const bad = fixtures.find((f) => f.name === 'bestallning-bad')!;
    const response = await post(bad.input!, 'text/xml');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const text = await response.text();
    const fault = readFault(parseXmlDocument(Buffer.from(text), { maxBytes: 65536 }))!;
    expect(fault.code).toBe('Client');
    expect(fault.faultstring).toContain('BRY_INVALID_MESSAGE');
    expect(fault.faultstring).toContain('Bestallning/Brukare/@pnr (FORMAT-PERSONNUMMER)');
    expect(fault.faultstring).toContain('Bestallning/MuntligDatum (R-ORDER-WRITTEN)');
    expect(text).not.toContain('19121212-1213');
    expect(text).not.toContain('Tolvan');
    const deadLetterId = /<brygga:DeadLetterId>([^<]+)</.exec(text)![1]!;
    const letters = await waitFor(() => h.records(TOPICS.deadLetters).filter((e) => e.id === deadLetterId), (e) => e.length === 1, 'the dead letter');
    const data = letters[0]!.data as { stage: string; originalBase64: string };
    expect(data.stage).toBe('connector:paraply');
    expect(Buffer.from(data.originalBase64, 'base64').equals(bad.input!)).toBe(true);
  });

  for (const [what, contentType] of [['SOAP 1.2 (application/soap+xml)', 'application/soap+xml; charset=utf-8'], ['application/json', 'application/json'], ['no Content-Type', undefined]] as const) {
    it(`${what} is a SOAP Fault with HTTP 415, dead-lettered with its bytes`, async () => {
      const body = Buffer.concat([example.input!, Buffer.from(`<!-- ${what} -->`)]);
      const response = await post(body, contentType);
      expect(response.status).toBe(415);
      const text = await response.text();
      expect(readFault(parseXmlDocument(Buffer.from(text), { maxBytes: 65536 }))!.faultstring).toMatch(/^BRY_UNSUPPORTED_MEDIA_TYPE: .*text\/xml/);
      const deadLetterId = /<brygga:DeadLetterId>([^<]+)</.exec(text)![1]!;
      const letters = await waitFor(() => h.records(TOPICS.deadLetters).filter((e) => e.id === deadLetterId), (e) => e.length === 1, 'the dead letter');
      expect(Buffer.from((letters[0]!.data as { originalBase64: string }).originalBase64, 'base64').equals(body)).toBe(true);
    });
  }

  for (const name of ['not-soap', 'empty-body', 'unknown-operation', 'doctype-refused', 'malformed']) {
    it(`${name} is a SOAP Fault with HTTP 500, dead-lettered`, async () => {
      const f = fixtures.find((x) => x.name === name)!;
      const response = await post(f.input!, 'text/xml');
      expect(response.status).toBe(500);
      const text = await response.text();
      const fault = readFault(parseXmlDocument(Buffer.from(text), { maxBytes: 65536 }))!;
      expect(fault).toMatchObject({ code: 'Client' });
      expect(fault.faultstring.startsWith(`${f.expectedError!.code}: `)).toBe(true);
      expect(text).toMatch(/<brygga:DeadLetterId>/);
    });
  }

  it('a body over the limit is a SOAP Fault with HTTP 413', async () => {
    const response = await post(Buffer.alloc(300 * 1024, 0x20), 'text/xml');
    expect(response.status).toBe(413);
    expect(readFault(parseXmlDocument(Buffer.from(await response.text()), { maxBytes: 65536 }))!.faultstring).toMatch(/^BRY_BODY_TOO_LARGE/);
  });

  it('R-ORDER-WRITTEN: a written order registered days before it arrived is accepted and flagged backdated', async () => {
    const f = fixtures.find((x) => x.name === 'bestallning-backdated')!;
    h.clock.set(Date.parse('2026-11-23T09:00:00+01:00'));
    const response = await post(f.input!, 'text/xml');
    expect(response.status).toBe(200);
    const events = await waitFor(() => h.records(TOPICS.orderEvents).filter((e) => (e.data as { origin: { reference: string } }).origin.reference === 'P-2026-0070'), (e) => e.length === 1, 'the back-dated order');
    expect(events[0]!.data).toMatchObject({ backdated: true, verbalOrder: { given: true, date: '2026-11-19' } });
  });
});

describe('Paraply SOAP route when the bus is down', () => {
  it('a Bestallning Brygga cannot put on the bus is a Server Fault (HTTP 500, BRY_BUS_UNAVAILABLE): Paraply sends it again', async () => {
    const h = await openHarness(CONFIG);
    try {
      await h.bus.close();
      const example = fixtures.find((f) => f.name === 'bestallning-ej-ansluten')!;
      const response = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: new Uint8Array(example.input!) });
      expect(response.status).toBe(500);
      const fault = readFault(parseXmlDocument(Buffer.from(await response.arrayBuffer()), { maxBytes: 65536 }))!;
      expect(fault.code).toBe('Server');
      expect(fault.faultstring).toMatch(/^BRY_BUS_UNAVAILABLE: /);
    } finally {
      await h.close().catch(() => undefined);
    }
  });
});

describe('Paraply WSDL, read by the soap library', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(CONFIG);
  });
  afterAll(async () => h?.close());

  it('GET ?wsdl answers the WSDL; a soap client made from it calls Bestallning and Avslut', async () => {
    const response = await fetch(`${h.url}?wsdl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const client = await soap.createClientAsync(`${h.url}?wsdl`);
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(description.BryggaParaply!.BryggaParaplyPort!).sort()).toEqual(['Avslut', 'Bestallning']);
    client.addSoapHeader({ Meddelandeinfo: { Id: 'PAR-SOAPLIB-1', Skickad: '2026-11-23T08:00:00+01:00' } }, '', 'par', 'urn:stockholm:paraply:bestallning:v1');
    const [result] = await client.BestallningAsync({
      BestallningsId: 'P-2026-0100',
      Registrerad: '2026-11-23T07:50:00+01:00',
      Handlaggare: { attributes: { id: 'hv-bih-12' } },
      Utforare: { attributes: { id: 'UTF-0193', namn: 'Omsorgsbolaget i Vällingby AB', ansluten: 'true' } },
      Brukare: { attributes: { pnr: '19121212-1212', namn: 'Tolvan Tolvansson' } },
      Insats: { attributes: { typ: 'DAGVERKSAMHET', beslutsdatum: '2026-11-20', dagarPerVecka: 2, inriktning: 'DEMENS' } },
    });
    expect(result.BestallningsId).toBe('P-2026-0100');
    expect(result.BryggaOrderId).toMatch(/^ord-/);
    const placed = await waitFor(() => h.records(TOPICS.orderEvents).filter((e) => e.subject === result.BryggaOrderId), (e) => e.length === 1, 'the order');
    expect(placed[0]!.data).toMatchObject({ origin: { messageId: 'PAR-SOAPLIB-1' }, client: { personnummer: '191212121212' }, daysPerWeek: 2 });

    client.clearSoapHeaders();
    client.addSoapHeader({ Meddelandeinfo: { Id: 'PAR-SOAPLIB-2', Skickad: '2027-06-28T14:00:00+02:00' } }, '', 'par', 'urn:stockholm:paraply:bestallning:v1');
    const [closed] = await client.AvslutAsync({ BestallningsId: 'P-2026-0100', Slutdatum: '2027-06-30' });
    expect(closed.BryggaOrderId).toBe(result.BryggaOrderId);
  });

  it('a soap client sees a refusal as a SOAP Fault whose faultstring names the field and rule', async () => {
    const client = await soap.createClientAsync(`${h.url}?wsdl`);
    client.addSoapHeader({ Meddelandeinfo: { Id: 'PAR-SOAPLIB-3', Skickad: '2026-11-23T08:00:00+01:00' } }, '', 'par', 'urn:stockholm:paraply:bestallning:v1');
    const error = await client.AvslutAsync({ BestallningsId: 'P-2026-0100' }).then(() => undefined, (e: unknown) => e) as { response?: { status: number }; root?: { Envelope: { Body: { Fault: { faultstring: string } } } } };
    expect(error?.response?.status).toBe(500);
    expect(error?.root?.Envelope.Body.Fault.faultstring).toContain('Avslut/Slutdatum (R-END)');
  });
});

describe('Paraply channel against a real HTTP stand-in', () => {
  const standIn = new ParaplyStandIn();
  beforeAll(async () => standIn.start());
  afterAll(async () => standIn.stop());
  const kvittens = fixtures.find((f) => f.name === 'out-kvittens-proxy')!;
  const request = (deliveryId = kvittens.meta.deliveryId!) => ({
    deliveryId,
    requestedAt: kvittens.meta.requestedAt!,
    inbox: { inboxId: 'case-officer:paraply:hv-bih-12', kind: 'caseOfficer' as const, system: 'paraply', addressType: 'caseOfficer', addressId: 'hv-bih-12' },
    event: kvittens.event!,
  });
  const channel = () => new ParaplyChannel({ endpoint: standIn.url, timeoutMs: 2000 });

  it('posts the rendered Kvittens as SOAP 1.1 with its SOAPAction; a retry is the same bytes under the same message id', async () => {
    standIn.answerWith({ status: 200, contentType: 'text/xml; charset=utf-8', body: okResponse('PAR-K-77') });
    const before = standIn.received.length;
    expect(await channel().deliver(request())).toEqual({ receipt: 'PAR-K-77' });
    expect(await channel().deliver(request())).toEqual({ receipt: 'PAR-K-77' });
    const [first, second] = standIn.received.slice(before);
    expect(first!.method).toBe('POST');
    expect(first!.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(first!.headers.soapaction).toBe('"urn:stockholm:paraply:bestallning:v1/Kvittens"');
    expect(first!.body.equals(kvittens.output!)).toBe(true);
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(first!.body.toString('utf8')).toContain(`<par:Id>BRY-${kvittens.meta.deliveryId}</par:Id>`);
  });

  for (const f of answers) {
    it(`${f.name}: ${f.meta.description}`, async () => {
      standIn.answerWith({ status: f.meta.status!, contentType: f.meta.contentType ?? undefined, body: f.answer! });
      if (f.expected) {
        expect(await channel().deliver(request())).toEqual(f.expected);
        return;
      }
      const error = await channel().deliver(request()).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(BryggaError);
      expect({ code: (error as BryggaError).code, message: (error as BryggaError).message }).toEqual(f.expectedError);
      expect((error as BryggaError).retryable).toBe(f.expectedError!.code === 'BRY_DELIVERY_FAILED');
    });
  }

  it('no answer within the timeout is BRY_DELIVERY_FAILED (retryable)', async () => {
    standIn.answerWith({ status: 200, contentType: 'text/xml', body: okResponse('late'), delayMs: 1500 });
    const error = (await new ParaplyChannel({ endpoint: standIn.url, timeoutMs: 200 }).deliver(request()).catch((e: unknown) => e)) as BryggaError;
    expect(error.code).toBe('BRY_DELIVERY_FAILED');
    expect(error.message).toBe('Paraply did not answer Kvittens: no answer within 200 ms');
  });

  it('Paraply gone (connection refused) is BRY_DELIVERY_FAILED naming ECONNREFUSED', async () => {
    const gone = new ParaplyStandIn();
    await gone.start();
    const url = gone.url;
    await gone.stop();
    const error = (await new ParaplyChannel({ endpoint: url, timeoutMs: 2000 }).deliver(request()).catch((e: unknown) => e)) as BryggaError;
    expect(error.code).toBe('BRY_DELIVERY_FAILED');
    expect(error.message).toBe('Paraply did not answer Kvittens: ECONNREFUSED');
  });

  it('an event Paraply has no operation for is refused before anything is sent', async () => {
    const before = standIn.received.length;
    const executed = fixtures.find((f) => f.name === 'out-executed-refused')!;
    const error = (await channel().deliver({ ...request(), event: executed.event! }).catch((e: unknown) => e)) as BryggaError;
    expect(error.code).toBe('BRY_DELIVERY_REJECTED');
    expect(standIn.received.length).toBe(before);
  });
});
