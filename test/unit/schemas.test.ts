// The canonical schemas: the JSON files cannot drift from the TypeBox source, every example is
// valid, and invalid events are refused naming the failing instancePath.
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { EVENT_TYPES } from '../../src/canonical/event-types.ts';
import {
  DATA_SCHEMA_OF, DIALECT, DeliveryRequestedData, EnvelopeSchema, OrderPlacedData, SCHEMA_FILES, schemaFileText, schemaIdOf, shortNameOf,
} from '../../src/canonical/schemas/index.ts';
import { eventProblems, isValidEvent, validateEvent } from '../../src/canonical/validate.ts';
import { BryggaError } from '../../src/errors.ts';

const DIR = new URL('../../schemas/', import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const examplesOf = (schema: unknown) => (schema as { examples: unknown[] }).examples;

describe('schema files', () => {
  it('schemas/ holds exactly the files scripts/write-schemas.ts writes (run npm run schemas after a change)', () => {
    const onDisk = readdirSync(DIR).filter((f) => f.endsWith('.schema.json')).sort();
    expect(onDisk).toEqual(SCHEMA_FILES.map((f) => `${f.name}.schema.json`).sort());
    for (const file of SCHEMA_FILES) {
      expect(readFileSync(new URL(`${file.name}.schema.json`, DIR), 'utf8'), file.name).toBe(schemaFileText(file.schema));
    }
  });

  it('has one data schema per event type, named by its short name', () => {
    const keys = Object.keys(EVENT_TYPES) as (keyof typeof EVENT_TYPES)[];
    expect(SCHEMA_FILES.filter((f) => f.type).map((f) => f.name)).toEqual(keys.map(shortNameOf));
    for (const key of keys) expect(DATA_SCHEMA_OF[EVENT_TYPES[key]]).toBeDefined();
  });

  it('each file is a JSON Schema 2020-12 document with its $id and one or two examples, usable on its own', () => {
    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
    for (const file of SCHEMA_FILES) {
      const json = JSON.parse(readFileSync(new URL(`${file.name}.schema.json`, DIR), 'utf8'));
      expect(json.$schema).toBe(DIALECT);
      expect(json.$id).toBe(schemaIdOf(file.name));
      expect(json.examples.length).toBeGreaterThanOrEqual(1);
      expect(json.examples.length).toBeLessThanOrEqual(2);
      const validate = ajv.compile(json);
      for (const example of json.examples) expect(validate(example), `${file.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('examples use only Skatteverket\'s test personnummer', () => {
    const all = JSON.stringify(SCHEMA_FILES.map((f) => examplesOf(f.schema)));
    for (const found of all.match(/\b(19|20)\d{10}\b/g) ?? []) expect(found).toBe('191212121212');
  });
});

describe('validateEvent', () => {
  const placed: CloudEvent = {
    specversion: '1.0',
    id: '17cb1974-e925-5257-b9fe-9158289834a6',
    source: '/connectors/lifecare',
    type: EVENT_TYPES.orderPlaced,
    time: '2026-11-23T09:14:05+01:00',
    subject: 'ord-4b3e1c0a-7d2f-5a91',
    datacontenttype: 'application/json',
    correlationid: 'ord-4b3e1c0a-7d2f-5a91',
    data: examplesOf(OrderPlacedData)[0],
  };
  const withData = (patch: Record<string, unknown>): CloudEvent => ({ ...placed, data: { ...(placed.data as object), ...patch } });
  const pathsOf = (event: unknown) => eventProblems(event).map((p) => p.path);

  it('accepts every example event of every type', () => {
    expect(() => validateEvent(placed)).not.toThrow();
    for (const example of examplesOf(EnvelopeSchema)) expect(isValidEvent(example)).toBe(true);
  });

  it('R-ORDER-CONTENT: days per week outside 1–7 fails at /data/daysPerWeek', () => {
    expect(pathsOf(withData({ daysPerWeek: 8 }))).toEqual(['/data/daysPerWeek']);
  });

  it('R-ORDER-CONTENT: an order without desired units fails at /data/desiredUnits', () => {
    expect(pathsOf(withData({ desiredUnits: [] }))).toEqual(['/data/desiredUnits']);
    const { desiredUnits: _omitted, ...rest } = placed.data as Record<string, unknown>;
    expect(pathsOf({ ...placed, data: rest })).toEqual(['/data/desiredUnits']);
  });

  it('a case officer never carries a name (personal data)', () => {
    const origin = { ...(placed.data as { origin: object }).origin, sender: { role: 'caseOfficer', id: 'bih-4711', name: 'Anna Åberg' } };
    expect(pathsOf(withData({ origin }))).toEqual(['/data/origin/sender/name']);
  });

  it('times need an offset, unknown properties are refused', () => {
    expect(pathsOf({ ...placed, time: '2026-11-23T09:14:05' })).toEqual(['/time']);
    expect(pathsOf(withData({ extra: 1 }))).toEqual(['/data/extra']);
    expect(pathsOf(withData({ client: { clientId: 'cl-a19c7c1b33c8ea6b', personnummer: '19121212-1212', name: 'Tolvan Tolvansson' } }))).toEqual(['/data/client/personnummer']);
  });

  it('checks the event a delivery request carries against that event\'s own schema', () => {
    const request = examplesOf(DeliveryRequestedData)[0] as { event: CloudEvent };
    const envelope = { ...placed, id: 'd-1', type: EVENT_TYPES.deliveryRequested, source: '/brygga/router' };
    expect(pathsOf({ ...envelope, data: request })).toEqual([]);
    const broken = { ...request, event: { ...request.event, data: { ...(request.event.data as object), daysPerWeek: 0 } } };
    expect(pathsOf({ ...envelope, data: broken })).toEqual(['/data/event/data/daysPerWeek']);
  });

  it('throws BRY_SCHEMA_VIOLATION naming every failing path', () => {
    try {
      validateEvent(withData({ daysPerWeek: 0, orientation: 'OKAND' }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BryggaError);
      const e = error as BryggaError;
      expect(e.code).toBe('BRY_SCHEMA_VIOLATION');
      expect(e.problems.map((p) => [p.field, p.rule])).toEqual([
        ['/data/daysPerWeek', 'SCHEMA-order-placed'],
        ['/data/orientation', 'SCHEMA-order-placed'],
      ]);
      expect(e.problems[1]!.detail).toBe('must be one of DEMENS, SOCIAL');
    }
  });
});
