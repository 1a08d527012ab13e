// The `auth` block of the configuration: API keys (stored as their SHA-256) and OIDC.
import { Type, type Static } from '@sinclair/typebox';

/** `operator` reads and acts, `auditor` reads, `connector:<system>` posts that system's messages. */
export type Role = 'operator' | 'auditor' | `connector:${string}`;
export const PERSON_ROLES = ['operator', 'auditor'] as const;
const PersonRole = Type.Union(PERSON_ROLES.map((r) => Type.Literal(r)));

const ApiKey = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9._@:-]+$', description: 'Who holds the key (a person\'s user id or a system); written to the audit log' }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the key, lower-case hex; the key itself is never stored' }),
    role: Type.String({ pattern: '^(operator|auditor|connector:[a-z0-9-]+)$', description: 'operator, auditor or connector:<system>' }),
  },
  { additionalProperties: false },
);

const Oidc = Type.Object(
  {
    issuer: Type.String({ minLength: 1, description: 'The `iss` a token must carry' }),
    jwksUri: Type.String({ minLength: 1, pattern: '^https?://', description: 'Where the identity provider publishes its signing keys (JWKS)' }),
    audience: Type.String({ minLength: 1, description: 'The `aud` a token must carry' }),
    roleClaim: Type.String({ minLength: 1, default: 'roles', description: 'The claim holding the role, a dotted path for a nested one (e.g. realm_access.roles); a string or a list' }),
    roleMap: Type.Optional(Type.Record(Type.String(), PersonRole, { description: 'Claim values (e.g. a group) → Brygga role; without it the value must be operator or auditor' })),
  },
  { additionalProperties: false },
);

export const AuthConfigSchema = Type.Object(
  {
    apiKeys: Type.Array(ApiKey, { default: [] }),
    oidc: Type.Optional(Oidc),
  },
  { additionalProperties: false, default: {} },
);
export type AuthConfig = Static<typeof AuthConfigSchema>;
export type OidcConfig = Static<typeof Oidc>;
