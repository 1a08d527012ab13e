// The OpenAPI 3.1 document generated from the routes' schemas: valid by the OpenAPI 3.1 schema
// (@seriousme/openapi-schema-validator), covering every route with its credential, and the
// API's real answers valid by the schemas the document gives for them.
import { randomBytes } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApi, type TestApi } from '../support/api.ts';
import { testLogDestination } from '../support/logs.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const OPERATOR_KEY = randomBytes(24).toString('hex');

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

describe('the OpenAPI document', () => {
  let api: TestApi;
  let document: Document;
  const routes: RouteOptions[] = [];

  beforeAll(async () => {
    api = await openTestApi({ logDestination: testLogDestination(), auth: { operatorKey: OPERATOR_KEY }, onRoute: (route) => void routes.push(route) });
    const response = await api.app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json();
  });
  afterAll(() => api.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  // Public: the probes, and the dashboard's page and files (its data come from the API, with a credential).
  const PUBLIC = ['/health', '/ready', '/', '/dashboard/app.js', '/dashboard/style.css'];

  it('describes every route but its own, each with the credential it takes', () => {
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`));
    const expected = routes
      .filter((r) => !r.url.startsWith('/docs') && r.url !== '/openapi.json')
      .flatMap((r) => [r.method].flat().filter((m) => m !== 'HEAD').map((m) => `${m} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    expect(documented.sort()).toEqual([...new Set(expected)].sort());
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const operation of Object.values(operations)) {
        if (PUBLIC.includes(path)) expect(operation.security, path).toEqual([]);
        else expect(operation.security, path).toEqual([{ apiKey: [] }, { bearer: [] }]);
      }
    }
  });

  it("the API's answers match the schemas the document gives for them", async () => {
    const ajv = addFormats(new Ajv2020({ strict: false }));
    for (const [name, schema] of Object.entries(document.components.schemas)) ajv.addSchema(schema, `#/components/schemas/${name}`);
    const as = { authorization: `Bearer ${OPERATOR_KEY}` };
    const cases: { method: 'GET' | 'POST'; path: string; url: string; headers?: Record<string, string> }[] = [
      { method: 'GET', path: '/health', url: '/health' },
      { method: 'GET', path: '/api/deadlines', url: '/api/deadlines?status=open', headers: as },
      { method: 'GET', path: '/api/deadlines', url: '/api/deadlines' },
      { method: 'GET', path: '/api/orders/{id}', url: '/api/orders/B-0000-0000', headers: as },
      { method: 'GET', path: '/api/orders/{id}', url: '/api/orders/cl-0123456789abcdef', headers: as },
      { method: 'GET', path: '/api/clients/{clientId}/orders', url: '/api/clients/cl-0123456789abcdef/orders', headers: as },
      { method: 'GET', path: '/api/clients/{clientId}/orders', url: '/api/clients/B-0000-0000/orders', headers: as },
      { method: 'POST', path: '/api/deliveries/{id}/replay', url: '/api/deliveries/d-1/replay', headers: as },
      { method: 'POST', path: '/api/reports/participant-lists/{month}/forward', url: '/api/reports/participant-lists/2026-10/forward', headers: as },
    ];
    for (const c of cases) {
      const response = await api.app.inject({ method: c.method, url: c.url, headers: c.headers ?? {} });
      const documented = document.paths[c.path]![c.method.toLowerCase()]!.responses[String(response.statusCode)];
      expect(documented, `${c.method} ${c.url} answered ${response.statusCode}, documented?`).toBeDefined();
      const schema = Object.values(documented!.content ?? {})[0]?.schema;
      expect(schema, `${c.method} ${c.url} ${response.statusCode} has a schema`).toBeDefined();
      const validate = ajv.compile(schema!);
      expect(validate(response.json()), `${c.method} ${c.url} ${response.statusCode}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('Swagger UI is served at /docs', async () => {
    const page = await api.app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.payload).toContain('swagger-ui');
  });
});
