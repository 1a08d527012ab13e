// A connector's fixture folders (fixtures/<case>/…) read file by file, and the helpers every fixture test uses.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { CloudEvent } from '../../src/canonical/envelope.ts';
import { validateEvent } from '../../src/canonical/validate.ts';
import type { XmlElement } from '../../src/canonical/xml-input.ts';
import { BryggaError } from '../../src/errors.ts';

export interface FixtureFolder {
  name: string;
  /** The file's bytes; undefined when the case has no such file. */
  bytes(file: string): Buffer | undefined;
  /** The file read as JSON; undefined when the case has no such file. */
  json(file: string): any;
}

/** Every case folder below `dir`, sorted by name. */
export function fixtureFolders(dir: URL): FixtureFolder[] {
  return readdirSync(dir).sort().map((name) => {
    const file = (f: string) => new URL(`${name}/${f}`, dir);
    return {
      name,
      bytes: (f) => (existsSync(file(f)) ? readFileSync(file(f)) : undefined),
      json: (f) => (existsSync(file(f)) ? JSON.parse(readFileSync(file(f), 'utf8')) : undefined),
    };
  });
}

/** A case with its expectation: the events its input gives, or the refusal (`messageContains`: words it must say). */
export interface ParsedFixture {
  name: string;
  description: string;
  expected?: CloudEvent[];
  expectedError?: { code: string; problems: { code: string; field: string; rule: string }[]; messageContains?: string };
}

/** One test per case: its input gives exactly the expected (valid) events, or the expected refusal by code, field and rule. */
export function parsedFixtureTests<F extends ParsedFixture>(fixtures: F[], parse: (fixture: F) => CloudEvent[]): void {
  for (const f of fixtures.filter((x) => x.expected)) {
    it(`${f.name}: ${f.description}`, () => {
      const events = parse(f);
      expect(events).toEqual(f.expected);
      for (const event of events) validateEvent(event);
    });
  }
  for (const f of fixtures.filter((x) => x.expectedError)) {
    it(`${f.name} is refused: ${f.description}`, () => {
      const error = thrown(() => parse(f));
      const { messageContains, ...expected } = f.expectedError!;
      expect({ code: error.code, problems: error.problems.map(({ code, field, rule }) => ({ code, field, rule })) }).toEqual(expected);
      if (messageContains) expect(error.message).toContain(messageContains);
    });
  }
}

/** The BryggaError `fn` throws; fails the test when it throws nothing or something else. */
export function thrown(fn: () => unknown): BryggaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof BryggaError) return error;
    throw error;
  }
  throw new Error('expected a BryggaError, nothing was thrown');
}

/** What in a document is a label (a message type, a mime type), not a value that could be personal data. */
export interface Labels {
  element?: (name: string, text: string) => boolean;
  attribute?: (name: string) => boolean;
}

/** Every text and attribute value of four characters or more, bar the labels: what a refusal must never echo. */
export function valuesOf(element: XmlElement, labels: Labels = {}, into: string[] = []): string[] {
  if (element.text.length >= 4 && !labels.element?.(element.name, element.text)) into.push(element.text);
  into.push(...Object.entries(element.attributes).filter(([k, v]) => v.length >= 4 && !labels.attribute?.(k)).map(([, v]) => v));
  for (const child of element.children) valuesOf(child, labels, into);
  return into;
}
