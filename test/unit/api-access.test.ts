// Every route's access rule, walked over every route the API registers (so a route added later is
// covered without a new test): a declaration on each (fail closed); without a credential 401;
// with a role the rule does not allow 403; with the right role the handler answers.
import { randomBytes, createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type InjectOptions, type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccessHook, type AccessDeclaration } from '../../src/api/access.ts';
import { sendProblem } from '../../src/api/problem.ts';
import { Authenticator } from '../../src/auth/authenticator.ts';
import type { BryggaError } from '../../src/errors.ts';
import { TOPICS } from '../../src/canonical/event-types.ts';
import { openTestApi, type TestApi } from '../support/api.ts';
import { lifecareExample } from '../support/examples.ts';
import { testLogDestination } from '../support/logs.ts';

const key = () => randomBytes(24).toString('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const KEYS = { operator: key(), auditor: key(), 'connector:lifecare': key(), 'connector:paraply': key() };
type Holder = keyof typeof KEYS;

/** The roles a rule lets through, and one it refuses. */
function rolesFor(declaration: AccessDeclaration): { allowed: Holder[]; refused?: Holder } {
  switch (declaration.access) {
    case 'public':
      return { allowed: [] };
    case 'read':
      return { allowed: ['operator', 'auditor'], refused: 'connector:lifecare' };
    case 'operate':
      return { allowed: ['operator'], refused: 'auditor' };
    case 'connector':
      return { allowed: [`connector:${declaration.system}` as Holder], refused: 'operator' };
  }
}

/** A request each known route answers with success; other routes get placeholder ids and an empty body. */
const GOOD: Record<string, { request: Partial<InjectOptions>; status: number }> = {
  'POST /connectors/lifecare/messages': { request: { headers: { 'content-type': 'application/xml' }, payload: lifecareExample('bestallning.xml') }, status: 202 },
  'GET /api/deadlines': { request: { url: '/api/deadlines?status=open' }, status: 200 },
  'GET /api/reports/section-leader': { request: { url: '/api/reports/section-leader?asOf=2026-10-31' }, status: 200 },
  'GET /api/reports/evb': { request: { url: '/api/reports/evb?quarter=2026Q3' }, status: 200 },
  'GET /api/reports/participant-lists': { request: { url: '/api/reports/participant-lists?month=2026-10' }, status: 200 },
  'POST /api/reports/participant-lists/:month/forward': { request: { url: '/api/reports/participant-lists/2026-10/forward' }, status: 202 },
  'GET /health': { request: {}, status: 200 },
  'GET /ready': { request: {}, status: 200 },
  'GET /metrics': { request: {}, status: 200 },
  'GET /openapi.json': { request: {}, status: 200 },
  'GET /docs/': { request: {}, status: 200 },
};

interface Route {
  method: string;
  url: string;
  declaration?: AccessDeclaration;
}

function requestFor(route: Route, holder?: Holder): InjectOptions {
  const good = GOOD[`${route.method} ${route.url}`]?.request ?? {};
  const url = route.url.replace(/:\w+/g, 'B-0000-0000').replace('*', 'index.html');
  return {
    method: route.method as InjectOptions['method'],
    url,
    ...(route.method === 'POST' ? { payload: {} } : {}),
    ...good,
    headers: { ...(good.headers as object), ...(holder ? { authorization: `Bearer ${KEYS[holder]}` } : {}) },
  };
}

const MULTI_SYSTEM = fileURLToPath(new URL('../../config/examples/multi-system.yaml', import.meta.url));

describe.each([
  ['the example configuration (Lifecare)', undefined, ['lifecare']],
  ['every system (Lifecare, Treserva, Paraply, mail)', MULTI_SYSTEM, ['lifecare', 'paraply']],
])('access rules of every route, %s', (_name, configFile, systems) => {
  const registered: RouteOptions[] = [];
  const routes: Route[] = [];
  let api: TestApi;

  beforeAll(async () => {
    api = await openTestApi({
      logDestination: testLogDestination(),
      ...(configFile ? { configFile } : {}),
      auth: {
        operatorKey: KEYS.operator,
        apiKeys: [
          { name: 'auditor-anna', sha256: sha256(KEYS.auditor), role: 'auditor' },
          ...systems.map((system) => ({ name: system, sha256: sha256(KEYS[`connector:${system}` as Holder]), role: `connector:${system}` })),
        ],
      },
      // Read once all are registered: a scope's own onRoute hooks (a connector's declaration) run after this one.
      onRoute: (route: RouteOptions) => void registered.push(route),
    });
    for (const route of registered) {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, declaration: route.config?.access ? (route.config as AccessDeclaration) : undefined });
    }
  });
  afterAll(() => api.close());

  it('sees the routes it is to check', () => {
    const seen = routes.map((r) => `${r.method} ${r.url}`);
    for (const known of Object.keys(GOOD)) expect(seen).toContain(known);
    for (const system of systems) expect(seen.some((r) => r.startsWith(`POST /connectors/${system}/`)), system).toBe(true);
  });

  it("a connector's key does not post another system's messages", async () => {
    for (const route of routes.filter((r) => r.declaration?.access === 'connector')) {
      for (const other of systems.filter((s) => s !== route.declaration!.system)) {
        const response = await api.app.inject(requestFor(route, `connector:${other}` as Holder));
        expect(response.statusCode, `${route.method} ${route.url} as connector:${other}`).toBe(403);
      }
    }
  });

  it('every route declares who may call it (fail closed)', () => {
    expect(routes.filter((r) => !r.declaration).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('only /health, /ready, the API description and the dashboard\'s page and files are public', () => {
    const publicRoutes = routes.filter((r) => r.declaration?.access === 'public').map((r) => r.url);
    for (const url of publicRoutes) expect(url).toMatch(/^\/(health|ready|openapi\.json|docs(\/.*)?|dashboard\/(app\.js|style\.css))?$/);
  });

  it('without a credential: 401 with a Bearer challenge; public routes answer', async () => {
    for (const route of routes) {
      const response = await api.app.inject(requestFor(route));
      const name = `${route.method} ${route.url}`;
      if (route.declaration?.access === 'public') {
        expect(response.statusCode, name).toBeLessThan(400);
        continue;
      }
      expect(response.statusCode, name).toBe(401);
      expect(response.headers['www-authenticate'], name).toBe('Bearer realm="brygga"');
      if (route.method !== 'HEAD' && (route.url.startsWith('/api/') || route.url === '/metrics')) expect(response.json().code, name).toBe('BRY_UNAUTHENTICATED');
      // Paraply speaks SOAP: its refusal is a Fault with the HTTP status.
      if (route.url === '/connectors/paraply/soap' && route.method !== 'HEAD') expect(response.payload, name).toContain('BRY_UNAUTHENTICATED');
    }
  });

  it('a path that is no route is 404 with or without a credential', async () => {
    for (const headers of [{}, { authorization: `Bearer ${KEYS.auditor}` }]) {
      const response = await api.app.inject({ url: '/api/no-such-thing', headers });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('BRY_NOT_FOUND');
    }
  });

  it('an unknown key is 401 like no key', async () => {
    const response = await api.app.inject({ url: '/api/deadlines', headers: { 'x-api-key': key() } });
    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toBe('the API key is not known');
  });

  it('with a role the rule does not allow: 403', async () => {
    for (const route of routes) {
      const { refused } = rolesFor(route.declaration!);
      if (!refused) continue;
      const response = await api.app.inject(requestFor(route, refused));
      expect(response.statusCode, `${route.method} ${route.url} as ${refused}`).toBe(403);
    }
  });

  it('with the right role the route answers (2xx where the request is a valid one)', async () => {
    for (const route of routes) {
      for (const holder of rolesFor(route.declaration!).allowed) {
        const response = await api.app.inject(requestFor(route, holder));
        const name = `${route.method} ${route.url} as ${holder}`;
        const good = GOOD[`${route.method} ${route.url}`];
        if (good) expect(response.statusCode, `${name}: ${response.payload.slice(0, 300)}`).toBe(good.status);
        else expect([401, 403], name).not.toContain(response.statusCode);
      }
    }
  });

  it('the key may also come as X-API-Key', async () => {
    const response = await api.app.inject({ url: '/api/deadlines', headers: { 'x-api-key': KEYS.auditor } });
    expect(response.statusCode).toBe(200);
  });

  it("a connector's key posts its own system's messages only, and a refusal there is no dead letter", async () => {
    const deadLetters = async () => {
      let count = 0;
      await api.bus.readAll(TOPICS.deadLetters, () => void count++);
      return count;
    };
    const before = await deadLetters();
    const response = await api.app.inject({ method: 'POST', url: '/connectors/lifecare/messages', headers: { 'content-type': 'application/xml', authorization: `Bearer ${KEYS.auditor}` }, payload: 'not xml' });
    expect(response.statusCode).toBe(403);
    expect(response.json().detail).toBe('role auditor may not post messages to lifecare here');
    expect(await deadLetters()).toBe(before);
  });
});

describe('a route without an access declaration', () => {
  it('is refused at run time too, 403, whatever the credential', async () => {
    const app = Fastify({ logger: false });
    registerAccessHook(app, new Authenticator({ apiKeys: [] }, { operatorKey: KEYS.operator, systems: [] }));
    app.setErrorHandler((error: BryggaError, _request, reply) => sendProblem(reply, error));
    app.get('/undeclared', async () => ({ secret: true }));
    for (const headers of [{}, { authorization: `Bearer ${KEYS.operator}` }]) {
      const response = await app.inject({ url: '/undeclared', headers });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ code: 'BRY_FORBIDDEN', detail: 'this route declares no access rule' });
    }
    await app.close();
  });
});
