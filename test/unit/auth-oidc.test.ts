// OIDC bearer tokens for people, against a real JWKS served over HTTP on loopback: the role from a
// nested claim through the role map; expired, foreign, badly signed and role-less tokens refused.
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/auth/authenticator.ts';
import { BryggaError } from '../../src/errors.ts';
import { openTestApi, type TestApi } from '../support/api.ts';
import { testLogDestination } from '../support/logs.ts';

const AUDIENCE = 'brygga';
const KID = 'test-key-1';

describe('OIDC bearer tokens', () => {
  let jwksServer: Server;
  let issuer: string;
  let signingKey: CryptoKey;
  let jwksFetches = 0;
  let api: TestApi;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    signingKey = privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] });
    jwksServer = createServer((request, response) => {
      jwksFetches += 1;
      if (request.url === '/broken') response.writeHead(500).end('down for maintenance');
      else response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    jwksServer.listen(0, '127.0.0.1');
    await once(jwksServer, 'listening');
    issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    api = await openTestApi({
      logDestination: testLogDestination(),
      auth: {
        oidc: {
          issuer, jwksUri: `${issuer}/jwks.json`, audience: AUDIENCE,
          roleClaim: 'realm_access.roles', roleMap: { 'brygga-operators': 'operator', 'brygga-auditors': 'auditor' },
        },
      },
    });
  });
  afterAll(async () => {
    await api.close();
    jwksServer.close();
  });

  async function token(options: { roles?: string[]; audience?: string; issuer?: string; expires?: string | number; key?: CryptoKey; subject?: string } = {}): Promise<string> {
    return new SignJWT(options.roles ? { realm_access: { roles: options.roles } } : {})
      .setProtectedHeader({ alg: 'RS256', kid: KID })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject(options.subject ?? 'u-4711')
      .setIssuedAt()
      .setExpirationTime(options.expires ?? '5m')
      .sign(options.key ?? signingKey);
  }
  const call = async (bearer: string, request: { method?: 'GET' | 'POST'; url: string } = { url: '/api/deadlines' }) =>
    api.app.inject({ ...request, headers: { authorization: `Bearer ${bearer}` } });

  it('an operator (mapped from a group in a nested claim) reads and acts', async () => {
    const bearer = await token({ roles: ['offline_access', 'brygga-operators'] });
    expect((await call(bearer)).statusCode).toBe(200);
    expect((await call(bearer, { method: 'POST', url: '/api/reports/participant-lists/2026-10/forward' })).statusCode).toBe(202);
    expect(jwksFetches).toBeGreaterThan(0);
  });

  it('an auditor reads but may not act', async () => {
    const bearer = await token({ roles: ['brygga-auditors'] });
    expect((await call(bearer)).statusCode).toBe(200);
    const refused = await call(bearer, { method: 'POST', url: '/api/reports/participant-lists/2026-10/forward' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe('role auditor may not act on here');
  });

  it("a person's token does not post a system's messages", async () => {
    const refused = await call(await token({ roles: ['brygga-operators'] }), { method: 'POST', url: '/connectors/lifecare/messages' });
    expect(refused.statusCode).toBe(403);
  });

  it('a token without a Brygga role is 403', async () => {
    const refused = await call(await token({ roles: ['some-other-app'] }));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('realm_access.roles');
  });

  it.each([
    ['expired', { expires: Math.floor(Date.now() / 1000) - 60 }, 'ERR_JWT_EXPIRED'],
    ['for another audience', { audience: 'another-app' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['from another issuer', { issuer: 'https://login.example.com' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
  ])('a token %s is 401 naming why', async (_name, options, code) => {
    const refused = await call(await token({ roles: ['brygga-operators'], ...options }));
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="brygga"');
    expect(refused.json().detail).toBe(`the bearer token was refused (${code})`);
  });

  it('a token signed with a key not in the JWKS is 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const refused = await call(await token({ roles: ['brygga-operators'], key: privateKey }));
    expect(refused.statusCode).toBe(401);
    expect(refused.json().detail).toBe('the bearer token was refused (ERR_JWS_SIGNATURE_VERIFICATION_FAILED)');
  });

  it.each([
    ['answers 500', () => `${issuer}/broken`],
    ['does not answer', () => 'http://127.0.0.1:9/jwks.json'],
  ])('an identity provider that %s is 503 BRY_IDP_UNAVAILABLE, not the caller\'s fault', async (_name, jwksUri) => {
    const auth = new Authenticator({ apiKeys: [], oidc: { issuer, jwksUri: jwksUri(), audience: AUDIENCE, roleClaim: 'roles' } }, { systems: [] });
    const refused = await auth.authenticate({ authorization: `Bearer ${await token({ roles: ['operator'] })}` }).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(BryggaError);
    expect((refused as BryggaError).code).toBe('BRY_IDP_UNAVAILABLE');
  });

  it("a read of an order's trace is audited under the token's subject", async () => {
    await call(await token({ roles: ['brygga-auditors'], subject: 'u-auditor-9' }), { url: '/api/orders/B-2026-0001' });
    const dir = join(api.dataDir, 'audit');
    const entries = readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
    expect(entries).toContainEqual(expect.objectContaining({ who: 'u-auditor-9', role: 'auditor', via: 'oidc', action: 'GET /api/orders/:id', target: { id: 'B-2026-0001' } }));
  });
});
