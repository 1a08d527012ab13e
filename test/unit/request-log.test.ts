// Request log lines (fastify's "incoming request") never carry a personnummer or a name from the
// URL: a path segment with a long digit run and every query value are censored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { urlForLog } from '../../src/logger.ts';
import { openTestApi, type TestApi } from '../support/api.ts';

describe('request logs (socialtjänstsekretess)', () => {
  const lines: string[] = [];
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi({ logDestination: { write: (line: string) => void lines.push(line) } });
  });
  afterAll(async () => api.close());

  it('censors a personnummer typed into a path, in every form, and every query value', () => {
    expect(urlForLog('/api/orders/19121212-1212')).toBe('/api/orders/[redacted]');
    expect(urlForLog('/api/clients/191212121212/orders')).toBe('/api/clients/[redacted]/orders');
    expect(urlForLog('/api/orders/121212+1212')).toBe('/api/orders/[redacted]');
    expect(urlForLog('/api/deadlines?status=open&caseOfficer=Tolvan%20Tolvansson')).toBe('/api/deadlines?status=…&caseOfficer=…');
    expect(urlForLog('/api/orders/ord-4b3e1c0a-7d2f-5a91')).toBe('/api/orders/ord-4b3e1c0a-7d2f-5a91');
  });

  it("keeps the method and the path's shape in the request log, not the personnummer", async () => {
    await api.app.inject({ url: '/api/orders/19121212-1212?name=Tolvan' });
    const logged = lines.filter((l) => l.includes('"incoming request"')).map((l) => JSON.parse(l) as { req: { method: string; url: string } });
    expect(logged.at(-1)!.req).toMatchObject({ method: 'GET', url: '/api/orders/[redacted]?name=…' });
    expect(lines.join('\n')).not.toMatch(/19121212|Tolvan/);
  });
});
