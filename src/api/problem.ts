// RFC 9457 problem details for every error the HTTP API returns.
import type { FastifyReply } from 'fastify';
import { BryggaError, ERRORS, type ErrorCode, type FieldProblem } from '../errors.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  problems?: FieldProblem[];
  deadLetterId?: string;
}

export const PROBLEM_TYPE_BASE = 'https://brygga.se/errors/';

export function problemOf(error: BryggaError, extra: Partial<Problem> = {}): Problem {
  return {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: error.spec.title,
    status: error.spec.status,
    code: error.code,
    detail: error.message,
    ...(error.problems.length > 0 ? { problems: error.problems } : {}),
    ...extra,
  };
}

export function sendProblem(reply: FastifyReply, error: BryggaError, extra: Partial<Problem> = {}): FastifyReply {
  const problem = problemOf(error, extra);
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

export function problemFor(code: ErrorCode, detail: string): BryggaError {
  return new BryggaError(code, detail || ERRORS[code].title);
}
