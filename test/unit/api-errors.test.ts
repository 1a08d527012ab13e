// An unexpected error in the API: 500 problem+json to the client, and one log line with the
// error's type, message and stack (pino's err serializer) for the operator, never the body.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApi, type TestApi } from '../support/api.ts';

describe('unexpected errors in the API', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('logs type, message and stack, not the request body; answers 500 problem+json', async () => {
    const lines: string[] = [];
    api = await openTestApi({ logDestination: { write: (line: string) => void lines.push(line) } });
    // The store going away under a running API: the acknowledgement route fails reading it.
    await api.store.close();
    const body = { confirmedBy: { role: 'feeAdministrator', id: 'avg-12' }, note: 'Tolvan Tolvansson 19121212-1212' };
    const response = await api.app.inject({ method: 'POST', url: '/api/orders/B-2026-5531/acknowledgement', payload: body });

    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.payload).not.toContain('19121212');
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: { type: string; message: string; stack: string } }).filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    const { err, msg } = errors[0]!;
    expect(msg).toBe('unexpected error');
    expect(err?.type).toBe('Error');
    expect(err?.message.length).toBeGreaterThan(0);
    expect(err?.stack).toContain(err?.message);
    expect(err?.stack).toMatch(/\n\s+at /);
    for (const line of lines) {
      expect(line).not.toContain('19121212');
      expect(line).not.toContain('Tolvan');
      expect(line).not.toContain('avg-12');
    }
  });

  it('a client error Fastify reports (a Content-Length that does not match) is a 400 problem+json, not a 500', async () => {
    const lines: string[] = [];
    api = await openTestApi({ logDestination: { write: (line: string) => void lines.push(line) } });
    const response = await api.app.inject({ method: 'POST', url: '/api/orders/x/acknowledgement', headers: { 'content-type': 'application/json', 'content-length': '1000' }, payload: '{}' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.payload)).toMatchObject({ code: 'BRY_BAD_REQUEST', detail: 'Request body size did not match Content-Length' });
    expect(lines.filter((l) => /"level":50/.test(l))).toEqual([]);
  });
});
