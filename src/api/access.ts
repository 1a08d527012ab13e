// Who may call which route. Every route declares `config: { access }` ('public', 'read',
// 'operate' or 'connector' with its `system`), and optionally `personalData: true` (audited,
// src/api/audit.ts); one onRequest hook enforces it. A route without a declaration is refused:
// forgetting one closes a route rather than opening it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OPEN_PRINCIPAL, type Authenticator, type Principal } from '../auth/authenticator.ts';
import type { Role } from '../auth/schema.ts';
import { BryggaError } from '../errors.ts';

export type Access = 'public' | 'read' | 'operate' | 'connector';

export interface AccessDeclaration {
  access: Access;
  /** For access 'connector': the system whose `connector:<system>` key may post here. */
  system?: string;
  /** The route answers with personal data: every call is written to the audit log. */
  personalData?: boolean;
}

declare module 'fastify' {
  // Partial, so other route config keys stay possible; the hook refuses a route without `access`.
  interface FastifyContextConfig extends Partial<AccessDeclaration> {}
  interface FastifyRequest {
    /** Who called, once the access hook let the request through (not on public routes). */
    principal?: Principal;
  }
}

const WHAT: Record<Exclude<Access, 'public'>, string> = { read: 'read', operate: 'act on', connector: 'post messages to' };

function permits(role: Role, { access, system }: AccessDeclaration): boolean {
  switch (access) {
    case 'public':
      return true;
    case 'read':
      return role === 'operator' || role === 'auditor';
    case 'operate':
      return role === 'operator';
    case 'connector':
      return system !== undefined && role === `connector:${system}`;
  }
}

/** The declaration of the route a request matched; undefined for a route that declares none. */
function declarationOf(request: FastifyRequest): AccessDeclaration | undefined {
  const { access, system, personalData } = request.routeOptions.config;
  return access ? { access, system, personalData } : undefined;
}

export function registerAccessHook(app: FastifyInstance, auth: Authenticator): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // No route matched: the not-found handler answers 404, which gives nothing away.
    if (request.routeOptions.url === undefined) return;
    const declaration = declarationOf(request);
    if (!declaration) {
      request.log.error({ route: request.routeOptions.url }, 'route declares no access rule: refused');
      throw new BryggaError('BRY_FORBIDDEN', 'this route declares no access rule');
    }
    if (declaration.access === 'public') return;
    if (auth.open) {
      request.principal = OPEN_PRINCIPAL;
      return;
    }
    const principal = await auth.authenticate(request.headers).catch((error: unknown) => {
      if (error instanceof BryggaError && error.code === 'BRY_UNAUTHENTICATED') challenge(reply);
      throw error;
    });
    if (!principal) {
      challenge(reply);
      throw new BryggaError('BRY_UNAUTHENTICATED', 'no credential: send an API key (Authorization: Bearer <key>, or X-API-Key) or an OIDC access token');
    }
    if (!permits(principal.role, declaration)) {
      const where = declaration.access === 'connector' ? ` ${declaration.system ?? '(no system)'}` : '';
      throw new BryggaError('BRY_FORBIDDEN', `role ${principal.role} may not ${WHAT[declaration.access]}${where} here`);
    }
    request.principal = principal;
  });
}

function challenge(reply: FastifyReply): void {
  reply.header('www-authenticate', 'Bearer realm="brygga"');
}

/**
 * Gives every route registered in `scope` (and its children) this declaration unless the route
 * declares its own: how a connector's routes become `connector` routes of its system.
 */
export function declareAccess(scope: FastifyInstance, declaration: AccessDeclaration): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...declaration, ...route.config };
  });
}
