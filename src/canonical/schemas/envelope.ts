// The CloudEvents 1.0 envelope of every canonical event (structured form); `data` is checked
// against the schema of the event's type separately.
import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES } from '../event-types.ts';
import { DateTime, EXAMPLE, StringEnum, topLevel } from './common.ts';

/** The envelope as a building block (no `$id`): also embedded in `delivery-requested`. */
export const CloudEventShape = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String({ minLength: 1, maxLength: 200 }),
    source: Type.String({ minLength: 1, maxLength: 200, format: 'uri-reference', description: 'Producer, e.g. /connectors/lifecare' }),
    type: StringEnum(Object.values(EVENT_TYPES)),
    time: DateTime,
    subject: Type.String({ minLength: 1, maxLength: 200, description: 'Brygga order id, or the unit and month of a provider report' }),
    datacontenttype: Type.Literal('application/json'),
    correlationid: Type.String({ minLength: 1, maxLength: 200 }),
    causationid: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    data: Type.Unknown({ description: 'Checked against the data schema of `type`' }),
  },
  { additionalProperties: false },
);

/** A whole canonical event, for the examples of schemas that carry one. */
export const EXAMPLE_EVENT = {
  specversion: '1.0' as const,
  id: '0b4f6a5e-3c1d-5e2f-9a7b-1c2d3e4f5a6b',
  source: '/connectors/lifecare',
  type: EVENT_TYPES.daysExpanded,
  time: '2027-01-11T07:45:00+01:00',
  subject: EXAMPLE.orderId,
  datacontenttype: 'application/json' as const,
  correlationid: EXAMPLE.orderId,
  data: { orderId: EXAMPLE.orderId, origin: EXAMPLE.unitOrigin, daysPerWeek: 3 },
};

export const EnvelopeSchema = topLevel('envelope', 'Brygga canonical event (CloudEvents 1.0)', CloudEventShape, [EXAMPLE_EVENT]);
export type CloudEventEnvelope = Static<typeof EnvelopeSchema>;
