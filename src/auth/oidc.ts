// OIDC bearer tokens for people: the signature checked against the identity provider's JWKS
// (fetched and cached by jose), issuer and audience checked, the role read from a claim.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { BryggaError } from '../errors.ts';
import type { Principal } from './authenticator.ts';
import { PERSON_ROLES, type OidcConfig } from './schema.ts';

type PersonRole = (typeof PERSON_ROLES)[number];

function claimValues(payload: JWTPayload, path: string): string[] {
  let value: unknown = payload;
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

export class OidcVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: OidcConfig) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUri));
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await this.verifyToken(token));
    } catch (error) {
      // The provider unreachable, answering other than 200 or no key set: not the caller's fault.
      if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === 'ERR_JOSE_GENERIC') {
        throw new BryggaError('BRY_IDP_UNAVAILABLE', `the identity provider's signing keys could not be fetched from ${this.config.jwksUri}: try again later`);
      }
      // jose's codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, …) say why without the token.
      throw new BryggaError('BRY_UNAUTHENTICATED', `the bearer token was refused (${error.code})`);
    }
    const roles = claimValues(payload, this.config.roleClaim ?? 'roles')
      .map((value) => this.config.roleMap?.[value] ?? (PERSON_ROLES.includes(value as PersonRole) ? (value as PersonRole) : undefined))
      .filter((role) => role !== undefined);
    // The wider role wins when a person holds both.
    const role = roles.includes('operator') ? 'operator' : roles[0];
    if (!payload.sub || !role) {
      throw new BryggaError('BRY_FORBIDDEN', `the token carries no Brygga role (operator or auditor) in its claim ${this.config.roleClaim ?? 'roles'}`);
    }
    return { id: payload.sub, role, via: 'oidc' };
  }

  private verifyToken(token: string) {
    return jwtVerify(token, this.keys, { issuer: this.config.issuer, audience: this.config.audience });
  }
}
