// Every authorised call of a route declaring `personalData: true` is written to the audit log
// before the handler reads anything: if the entry cannot be written, the data is not answered.
import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../audit/audit-log.ts';
import { BryggaError } from '../errors.ts';

export function registerAuditHook(app: FastifyInstance, audit: AuditLog): void {
  app.addHook('preHandler', async (request) => {
    if (!request.routeOptions.config.personalData) return;
    const principal = request.principal ?? { id: 'anonymous', role: 'none', via: 'open' as const };
    try {
      await audit.record({
        who: principal.id,
        role: principal.role,
        via: principal.via,
        action: `${request.method} ${request.routeOptions.url ?? ''}`,
        target: { ...(request.params as object), ...(request.query as object) },
        from: request.ip,
      });
    } catch (error) {
      request.log.error({ err: error }, 'audit log not written');
      throw new BryggaError('BRY_AUDIT_FAILED', 'the read could not be recorded in the audit log, so it is not answered: try again later');
    }
  });
}
