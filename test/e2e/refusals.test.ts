// What a new user gets for the common mistakes, over HTTP on the embedded default: a message
// sent with the wrong Content-Type is a 415 naming the accepted types and is dead-lettered as
// sent; a report asked for with an impossible date or a wrong parameter is a 400 naming it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBusRecord } from '../../src/canonical/envelope.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import type { RunningBrygga } from '../../src/main.ts';
import { startTestBrygga, testSettings } from '../support/brygga.ts';
import { lifecareExample } from '../support/examples.ts';
import { LifecareStandIn } from '../support/lifecare-standin.ts';

interface Problem {
  status: number;
  code: string;
  detail: string;
  deadLetterId?: string;
}

describe('refusals a new user meets (embedded)', () => {
  const lifecare = new LifecareStandIn();
  let brygga: RunningBrygga;

  beforeAll(async () => {
    await lifecare.start();
    brygga = await startTestBrygga(testSettings('embedded', lifecare.url));
  });
  afterAll(async () => {
    await brygga?.stop();
    await lifecare.stop();
  });

  /** The dead letter's original bytes, as the topic holds them. */
  async function deadLetterBytes(id: string): Promise<Buffer | undefined> {
    let found: Buffer | undefined;
    await brygga.bus.readAll(TOPICS.deadLetters, (record) => {
      const event = fromBusRecord<{ originalBase64: string; stage: string }>(record);
      if (event.id === id) found = Buffer.from(event.data.originalBase64, 'base64');
    });
    return found;
  }

  async function send(body: Buffer | string, headers: Record<string, string>): Promise<{ response: Response; problem: Problem }> {
    const response = await fetch(`${brygga.url}/connectors/lifecare/messages`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
    return { response, problem: (await response.json()) as Problem };
  }

  const xml = lifecareExample('bestallning.xml', { beslutsId: 'B-REFUSE-1' });
  const cases: [string, Buffer | string, Record<string, string>, string][] = [
    ['text/plain', xml, { 'content-type': 'text/plain' }, 'text/plain'],
    ['application/json with a JSON body', JSON.stringify({ meddelande: xml.toString('utf8') }), { 'content-type': 'application/json' }, 'application/json'],
    ['curl --data-binary (form-urlencoded)', xml, { 'content-type': 'application/x-www-form-urlencoded' }, 'application/x-www-form-urlencoded'],
    ['multipart/form-data', `--b\r\nContent-Disposition: form-data; name="f"\r\n\r\n${xml.toString('utf8')}\r\n--b--\r\n`, { 'content-type': 'multipart/form-data; boundary=b' }, 'multipart/form-data'],
    ['a Content-Type that is not one', xml, { 'content-type': 'xml' }, 'this Content-Type'],
  ];

  for (const [what, body, headers, named] of cases) {
    it(`a message sent as ${what}: 415 BRY_UNSUPPORTED_MEDIA_TYPE naming the accepted types, its bytes dead-lettered as sent`, async () => {
      const { response, problem } = await send(body, headers);
      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(problem.code).toBe('BRY_UNSUPPORTED_MEDIA_TYPE');
      expect(problem.detail).toContain(named);
      expect(problem.detail).toContain('application/xml or text/xml');
      expect(problem.deadLetterId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await deadLetterBytes(problem.deadLetterId!))?.equals(Buffer.from(body))).toBe(true);
    });
  }

  it('a message without Content-Type: 415, dead-lettered', async () => {
    // fetch adds text/plain to a string body; a Uint8Array body goes without one.
    const response = await fetch(`${brygga.url}/connectors/lifecare/messages`, { method: 'POST', body: new Uint8Array(xml) });
    const problem = (await response.json()) as Problem;
    expect(response.status).toBe(415);
    expect(problem.detail).toBe('a body without Content-Type is not accepted here: send application/xml or text/xml');
    expect((await deadLetterBytes(problem.deadLetterId!))?.equals(xml)).toBe(true);
  });

  it('the same message as application/xml is accepted', async () => {
    const response = await fetch(`${brygga.url}/connectors/lifecare/messages`, { method: 'POST', headers: { 'content-type': 'application/xml; charset=utf-8' }, body: new Uint8Array(xml) });
    expect(response.status).toBe(202);
  });

  it('a message with elements nested 1,000 deep: 400 BRY_MALFORMED_XML saying so, dead-lettered', async () => {
    const deep = xml.toString('utf8').replace('</Meddelande>', `${'<a>'.repeat(1000)}${'</a>'.repeat(1000)}</Meddelande>`);
    const { response, problem } = await send(deep, { 'content-type': 'application/xml' });
    expect(response.status).toBe(400);
    expect(problem).toMatchObject({ code: 'BRY_MALFORMED_XML', detail: 'elements are nested more than 100 levels deep' });
    expect((await deadLetterBytes(problem.deadLetterId!))?.toString('utf8')).toBe(deep);
  });

  const badReports: [string, string][] = [
    ['section-leader?asOf=2026-02-30', 'asOf: expected a real date YYYY-MM-DD'],
    ['section-leader?asOf=2026-13-01', 'asOf: expected a real date YYYY-MM-DD'],
    ['section-leader?asOf=30/11/2026', 'asOf: expected a real date YYYY-MM-DD'],
    ['section-leader?asOf=', 'asOf: expected a real date YYYY-MM-DD'],
    ['section-leader?asOf=2026-11-30&format=xlsx', 'query parameter format: must be one of json, csv, text'],
    ['evb?quarter=2026Q5', 'quarter: expected YYYYQn with n from 1 to 4'],
    ['evb?quarter=2026-Q4', 'quarter: expected YYYYQn with n from 1 to 4'],
    ['evb', 'query parameter quarter: required'],
    ['participant-lists?month=2026-13', 'month: expected YYYY-MM'],
    ['participant-lists?month=2026-1', 'month: expected YYYY-MM'],
    ['participant-lists', 'query parameter month: required'],
    ['participant-lists?month=2026-11&format=pdf', 'query parameter format: must be one of json, csv, text'],
  ];
  for (const [query, detail] of badReports) {
    it(`GET /api/reports/${query}: 400 BRY_BAD_REQUEST naming the parameter and what it expects`, async () => {
      const response = await fetch(`${brygga.url}/api/reports/${query}`);
      const problem = (await response.json()) as Problem;
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(problem.code).toBe('BRY_BAD_REQUEST');
      expect(problem.detail).toContain(detail);
    });
  }

  it('POST /api/reports/participant-lists/2026-13/forward: 400 naming month', async () => {
    const response = await fetch(`${brygga.url}/api/reports/participant-lists/2026-13/forward`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Problem).detail).toContain('month: expected YYYY-MM');
  });

  it('a real date is still answered: 2028-02-29 (leap day)', async () => {
    const response = await fetch(`${brygga.url}/api/reports/section-leader?asOf=2028-02-29`);
    expect(response.status).toBe(200);
  });
});
