// Request log lines (one per request, when it is answered) never carry a personnummer or a name from the
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

  it("keeps the method, the path's shape and the status in one line per request, not the personnummer", async () => {
    const before = lines.length;
    await api.app.inject({ url: '/api/orders/19121212-1212?name=Tolvan' });
    const logged = lines.slice(before).filter((l) => l.includes('"req"')).map((l) => JSON.parse(l) as { msg: string; req: { method: string; url: string }; res: { statusCode: number } });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: 'request completed', req: { method: 'GET', url: '/api/orders/[redacted]?name=…' }, res: { statusCode: 404 } });
    expect(lines.join('\n')).not.toMatch(/19121212|Tolvan/);
  });
});
