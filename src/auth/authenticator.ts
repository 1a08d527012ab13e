// Who is calling: an API key (its SHA-256 looked up among the configured ones, or the one
// operator key from the environment) or an OIDC bearer token. With no credential configured at
// all Brygga runs open, which start allows on a loopback host only (development).
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BryggaError } from '../errors.ts';
import { OidcVerifier } from './oidc.ts';
import type { AuthConfig, Role } from './schema.ts';

export interface Principal {
  /** The key's name or the token's subject: what the audit log records, never a person's name from a claim. */
  id: string;
  role: Role;
  via: 'api-key' | 'oidc' | 'open';
}

/** Who calls in open development mode. */
export const OPEN_PRINCIPAL: Principal = { id: 'open-development-mode', role: 'operator', via: 'open' };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
// Three base64url parts: a JWT, never one of our keys (which may not contain a dot).
const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;
export const MIN_KEY_LENGTH = 24;

export class Authenticator {
  private readonly keys = new Map<string, Principal>();
  private readonly oidc?: OidcVerifier;

  /**
   * `operatorKey` is the key from BRYGGA_OPERATOR_KEY (role operator, name `operator`);
   * `systems` the connectors a `connector:<system>` role may name.
   */
  constructor(config: AuthConfig, options: { operatorKey?: string; systems: readonly string[]; configFile?: string }) {
    const invalid = (detail: string) => new BryggaError('BRY_CONFIG_INVALID', `${options.configFile ?? 'configuration'}: ${detail}`);
    config.apiKeys.forEach((key, i) => {
      const system = key.role.startsWith('connector:') ? key.role.slice('connector:'.length) : undefined;
      if (system !== undefined && !options.systems.includes(system)) {
        throw invalid(`auth.apiKeys[${i}].role: ${key.role} names no configured system (${options.systems.join(', ')})`);
      }
      if (this.keys.has(key.sha256)) throw invalid(`auth.apiKeys[${i}].sha256: the same key is configured twice`);
      this.keys.set(key.sha256, { id: key.name, role: key.role as Role, via: 'api-key' });
    });
    if (options.operatorKey !== undefined) {
      if (options.operatorKey.length < MIN_KEY_LENGTH || JWT.test(options.operatorKey) || /\s/.test(options.operatorKey)) {
        throw new BryggaError('BRY_CONFIG_INVALID', `BRYGGA_OPERATOR_KEY: must be at least ${MIN_KEY_LENGTH} characters without spaces, e.g. from openssl rand -hex 32`);
      }
      this.keys.set(sha256(options.operatorKey), { id: 'operator', role: 'operator', via: 'api-key' });
    }
    if (config.oidc) this.oidc = new OidcVerifier(config.oidc);
  }

  /** No credential of any kind configured: every request is let through (development on loopback). */
  get open(): boolean {
    return this.keys.size === 0 && !this.oidc;
  }

  /** The caller, or undefined when the request carries no credential; a wrong one is BRY_UNAUTHENTICATED. */
  async authenticate(headers: IncomingHttpHeaders): Promise<Principal | undefined> {
    const credential = credentialOf(headers);
    if (credential === undefined) return undefined;
    if (this.oidc && JWT.test(credential)) return this.oidc.verify(credential);
    const principal = this.keys.get(sha256(credential));
    if (!principal) throw new BryggaError('BRY_UNAUTHENTICATED', 'the API key is not known');
    return principal;
  }
}

function credentialOf(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey.trim();
  const authorization = headers.authorization;
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new BryggaError('BRY_UNAUTHENTICATED', 'the Authorization header must be "Bearer <API key or token>"');
  return match[1];
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i;

/** Open mode is for development on this machine only: on any other interface start refuses. */
export function requireCredentialsOffLoopback(auth: Authenticator, host: string): void {
  if (auth.open && !LOOPBACK.test(host)) {
    throw new BryggaError(
      'BRY_AUTH_NOT_CONFIGURED',
      `HOST ${host} is not a loopback address and no credentials are configured: set BRYGGA_OPERATOR_KEY, or auth.apiKeys or auth.oidc in the configuration (or listen on 127.0.0.1)`,
    );
  }
}
