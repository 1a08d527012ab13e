// Building blocks shared by the canonical event schemas, and the helper that makes a schema a
// top-level JSON Schema 2020-12 document with its `$id` and examples.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export function schemaIdOf(name: string): string {
  return `https://brygga.se/schemas/${name}.schema.json`;
}

/** Marks a schema as a top-level document: dialect, `$id`, title and typed examples. */
export function topLevel<T extends TSchema>(name: string, title: string, schema: T, examples: Static<T>[]): T {
  return { $schema: DIALECT, $id: schemaIdOf(name), title, ...schema, examples } as T;
}

/** RFC 3339 with an explicit offset (`Z` or `±hh:mm`). */
export const DateTime = Type.String({
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'RFC 3339 date-time with offset',
});
export const DateOnly = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
export const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
export const Id = Text(120);

/** A string enum as `{type: string, enum}`: one clear error instead of an anyOf of constants. */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** Brygga's order id, from `orderIdFor(system, reference)`. */
export const OrderId = Type.String({ pattern: '^ord-[0-9A-Za-z-]+$', maxLength: 64, description: 'Brygga order id (orderIdFor)' });
/** Pseudonymous client id, from `clientIdFor(personnummer, key)`. */
export const ClientId = Type.String({ pattern: '^cl-[0-9a-f]{16}$', description: 'Pseudonymous client id (clientIdFor)' });
export const Personnummer = Type.String({ pattern: '^\\d{12}$', description: 'Normalised personnummer or samordningsnummer, 12 digits' });
export const DaysPerWeek = Type.Integer({ minimum: 1, maximum: 7 });
export const Count = Type.Integer({ minimum: 0, maximum: 100_000 });

const SYSTEMS = ['lifecare', 'treserva', 'paraply', 'mail', 'brygga'] as const;
export const SourceSystem = StringEnum(SYSTEMS);

/**
 * Brygga's own party roles, no system's words: each connector maps its systems' words to and
 * from these in its mapping (Lifecare's Avsandare/@typ, Treserva's roll, Paraply's RegistreradAv/@roll).
 */
export const PARTY_ROLES = ['caseOfficer', 'unit', 'inbox', 'coordinator', 'feeAdministrator', 'provider', 'system'] as const;
/** The roles whose name is an inbox or a unit, never a person: only these may carry a name. */
export const NAMED_ROLES = ['inbox', 'unit', 'provider'] as const;
export const PartyRole = StringEnum(PARTY_ROLES, {
  description:
    'Brygga\'s party role: caseOfficer (biståndshandläggare), unit (a day centre), inbox (a shared inbox), ' +
    'coordinator (the provider-side samordnare), feeAdministrator (avgiftshandläggare), provider (utförare), system (an integration)',
});
export type PartyRole = Static<typeof PartyRole>;

export const Party = Type.Object(
  {
    role: PartyRole,
    id: Type.Optional(Id),
    name: Type.Optional(Text(200, 'Only for inbox, unit and provider: never a person\'s name')),
  },
  {
    additionalProperties: false,
    if: { properties: { role: { not: { enum: [...NAMED_ROLES] } } } },
    then: { properties: { name: false } },
  },
);
export type Party = Static<typeof Party>;

export const Origin = Type.Object(
  {
    system: SourceSystem,
    messageId: Id,
    reference: Text(120, 'The source system\'s own reference, e.g. BeslutsId'),
    createdAt: DateTime,
    sender: Party,
    recipient: Type.Optional(Party),
  },
  { additionalProperties: false, description: 'Where and when the message that gave rise to the event was made' },
);
export type Origin = Static<typeof Origin>;

export const Unit = Type.Object({ name: Text(200), id: Type.Optional(Id) }, { additionalProperties: false });
export type Unit = Static<typeof Unit>;

export const Attachment = Type.Object(
  {
    name: Text(255),
    mime: Type.String({ pattern: '^[a-z0-9.+-]+/[a-z0-9.+-]+$', maxLength: 127 }),
    sizeBytes: Type.Integer({ minimum: 0 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    contentBase64: Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', contentEncoding: 'base64' }),
  },
  { additionalProperties: false },
);
export type Attachment = Static<typeof Attachment>;

/** Canonical `data` of an order event: the fields every one of them has. */
export const orderFields = {
  orderId: OrderId,
  origin: Origin,
  clientId: Type.Optional(ClientId),
  note: Type.Optional(Text(4000, 'Free text of the message (Lifecare: Meddelande/Text)')),
};

// Shared example values: Skatteverket's test person, no real data.
export const EXAMPLE = {
  orderId: 'ord-4b3e1c0a-7d2f-5a91',
  clientId: 'cl-a19c7c1b33c8ea6b',
  caseOfficerOrigin: {
    system: 'lifecare',
    messageId: 'LC-2026-000123',
    reference: 'B-2026-5531',
    createdAt: '2026-11-23T09:14:05+01:00',
    sender: { role: 'caseOfficer', id: 'bih-4711' },
    recipient: { role: 'inbox', name: 'ÄO Dagverksamhet Inkorg' },
  },
  unitOrigin: {
    system: 'lifecare',
    messageId: 'LC-2026-000187',
    reference: 'B-2026-5531',
    createdAt: '2026-11-25T15:40:00+01:00',
    sender: { role: 'unit', id: 'dv-manst', name: 'Månstorps Ängar dagverksamhet' },
    recipient: { role: 'caseOfficer', id: 'bih-4711' },
  },
  pdf: {
    name: 'genomforandeplan.pdf',
    mime: 'application/pdf',
    sizeBytes: 136,
    sha256: 'ecbecf1cd983d89312637d5ed57ff33346fb7d65f5fcb817b921ca699b4637e8',
    contentBase64:
      'JVBERi0xLjQKMSAwIG9iaiA8PC9UeXBlIC9DYXRhbG9nIC9QYWdlcyAyIDAgUj4+IGVuZG9iagoyIDAgb2JqIDw8L1R5cGUgL1BhZ2VzIC9LaWRzIFtdIC9Db3VudCAwPj4gZW5kb2JqCnRyYWlsZXIgPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==',
  },
} as const;
