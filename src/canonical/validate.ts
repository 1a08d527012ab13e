// Validates canonical events against their JSON Schemas (2020-12), compiled once at load.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { BryggaError, type FieldProblem } from '../errors.ts';
import type { CloudEvent } from './envelope.ts';
import { EVENT_TYPES, type EventType } from './event-types.ts';
import { SCHEMA_FILES } from './schemas/index.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));

const compiled = new Map<string, ValidateFunction>(SCHEMA_FILES.map((file) => [file.name, ajv.compile(file.schema)]));
const envelopeValidator = compiled.get('envelope')!;
const dataValidators = new Map<EventType, { name: string; validate: ValidateFunction }>(
  SCHEMA_FILES.filter((file) => file.type).map((file) => [file.type!, { name: file.name, validate: compiled.get(file.name)! }]),
);

/** One schema failure: a JSON Pointer into the validated value, the keyword and a message without values. */
export interface SchemaProblem {
  /** JSON Pointer of the failing value; for a missing property, the pointer it would have. */
  path: string;
  keyword: string;
  message: string;
}

function toProblem(error: ErrorObject): SchemaProblem {
  const params = error.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  const extra = params.missingProperty ?? params.additionalProperty;
  // The allowed values are the schema's, never the data's, so they may be named.
  const message = error.keyword === 'enum' && params.allowedValues ? `must be one of ${params.allowedValues.join(', ')}` : error.message;
  return {
    path: extra === undefined ? error.instancePath : `${error.instancePath}/${extra}`,
    keyword: error.keyword,
    message: message ?? 'is invalid',
  };
}

/** One problem per path (a value failing both pattern and format is one finding). */
function run(validate: ValidateFunction, value: unknown): SchemaProblem[] {
  if (validate(value)) return [];
  const byPath = new Map<string, SchemaProblem>();
  for (const error of validate.errors ?? []) {
    const problem = toProblem(error);
    if (error.keyword !== 'if' && !byPath.has(problem.path)) byPath.set(problem.path, problem);
  }
  return [...byPath.values()];
}

/** The problems of `data` against the schema of `type` (empty when valid). */
export function dataProblems(type: EventType, data: unknown): SchemaProblem[] {
  const entry = dataValidators.get(type);
  if (!entry) return [{ path: '', keyword: 'type', message: 'unknown event type' }];
  return run(entry.validate, data);
}

/** Every problem of an event: envelope, data, and for a delivery request the event it carries. */
export function eventProblems(event: unknown, prefix = ''): SchemaProblem[] {
  const envelope = run(envelopeValidator, event).map((p) => ({ ...p, path: prefix + p.path }));
  if (envelope.length > 0) return envelope;
  const { type, data } = event as CloudEvent;
  const problems = dataProblems(type, data).map((p) => ({ ...p, path: `${prefix}/data${p.path}` }));
  if (problems.length === 0 && type === EVENT_TYPES.deliveryRequested) {
    problems.push(...eventProblems((data as { event: unknown }).event, `${prefix}/data/event`));
  }
  return problems;
}

export function isValidEvent(event: unknown): event is CloudEvent {
  return eventProblems(event).length === 0;
}

/** Throws BRY_SCHEMA_VIOLATION naming every failing instancePath. */
export function validateEvent(event: CloudEvent): void {
  const problems = eventProblems(event);
  if (problems.length === 0) return;
  const type = (event as Partial<CloudEvent>).type;
  const rule = `SCHEMA-${(type && dataValidators.get(type)?.name) ?? 'envelope'}`;
  const fields: FieldProblem[] = problems.map((p) => ({
    code: p.keyword === 'required' ? 'BRY_MISSING_FIELD' : 'BRY_INVALID_FIELD',
    field: p.path || '/',
    rule,
    detail: p.message,
  }));
  throw new BryggaError(
    'BRY_SCHEMA_VIOLATION',
    `event ${String(type)} violates its schema at ${fields.map((f) => f.field).join(', ')}`,
    fields,
  );
}
