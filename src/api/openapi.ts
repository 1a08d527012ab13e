// The OpenAPI 3.1 document, generated from the routes' schemas by @fastify/swagger: served at
// /openapi.json and, with Swagger UI, at /docs. Both are public: they describe the API and hold
// no data. Each operation names the credential it takes from its access declaration.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { declareAccess } from './access.ts';

const SECURED: Record<string, string[]>[] = [{ apiKey: [] }, { bearer: [] }];

export function registerOpenApi(app: FastifyInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Brygga',
        version: '1',
        description: 'Orders, acknowledgements and deadlines between case officers and providers in Swedish municipal elderly care.',
        license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (also accepted as Authorization: Bearer <key>)' },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API key or an OIDC access token' },
        },
      },
    },
    // Shared schemas (Problem) become components named by their $id.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => ({
      url,
      schema: { ...schema, ...(route.config?.access === 'public' ? { security: [] } : { security: SECURED }) },
    }),
  });
  void app.register(async (scope) => {
    declareAccess(scope, { access: 'public' });
    scope.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    await scope.register(swaggerUi, { routePrefix: '/docs' });
  });
}
