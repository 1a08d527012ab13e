// `data` of a dead letter: what could not be turned into a canonical event, kept with why.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Text, topLevel } from './common.ts';

export const DeadLetterData = topLevel(
  'dead-letter',
  'A message or event that a stage refused, kept for a person to look at',
  Type.Object(
    {
      stage: Type.String({ pattern: '^[a-z][a-z0-9-]*(:[a-z0-9-]+)*$', maxLength: 60, description: 'e.g. connector:lifecare, router, delivery' }),
      receivedAt: DateTime,
      contentType: Type.Optional(Text(200)),
      originalBase64: Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', contentEncoding: 'base64' }),
      problems: Type.Array(
        Type.Object(
          {
            code: Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 60 }),
            field: Type.String({ maxLength: 300 }),
            rule: Type.String({ maxLength: 100 }),
            detail: Type.String({ maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
      ),
      causationId: Type.Optional(Text(200)),
    },
    { additionalProperties: false },
  ),
  [
    {
      stage: 'connector:lifecare',
      receivedAt: '2026-11-23T09:20:01+01:00',
      contentType: 'application/xml; charset=utf-8',
      originalBase64: 'PE1lZGRlbGFuZGUvPg==',
      problems: [
        { code: 'BRY_MISSING_FIELD', field: 'Huvud', rule: 'FORMAT-LIFECARE', detail: 'required element is missing' },
      ],
    },
  ],
);
export type DeadLetterData = Static<typeof DeadLetterData>;
