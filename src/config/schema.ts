// The shape of Brygga's configuration file; the loader validates against it at start.
import { Type, type Static } from '@sinclair/typebox';
import { CONNECTORS } from '../../connectors/index.ts';
import { AuthConfigSchema } from '../auth/schema.ts';

const Inbox = Type.Object(
  {
    system: Type.String({ minLength: 1, description: 'Which connector delivers to this inbox, e.g. lifecare' }),
    addressType: Type.String({ minLength: 1, description: 'The system\'s recipient type, e.g. INKORG' }),
    addressName: Type.Optional(Type.String({ minLength: 1 })),
    addressId: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type InboxConfig = Static<typeof Inbox>;

/** R-CONTACT-HOURS: when a destination may be sent notices, as `HH:MM-HH:MM` windows on the municipality's vardagar (Stockholm time). */
const ContactWindows = Type.Array(
  Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'e.g. 07:00-08:30' }),
  { description: 'Delivery windows on vardagar; an empty list means at any time' },
);

const Unit = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1, description: 'The name the systems use for the unit, e.g. "S:t Knut dagverksamhet"' }),
    inbox: Inbox,
    contactHours: Type.Optional(ContactWindows),
  },
  { additionalProperties: false },
);
export type UnitConfig = Static<typeof Unit>;

const Provider = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    connected: Type.Boolean({ default: true }),
    centralInbox: Inbox,
    coordinatorInbox: Inbox,
    /** The windows of its central (or fallback) inbox and, unless a unit has its own, its units. */
    contactHours: Type.Optional(ContactWindows),
    units: Type.Array(Unit, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type ProviderConfig = Static<typeof Provider>;

export const ConfigSchema = Type.Object(
  {
    municipality: Type.String({ minLength: 1 }),
    /** Key of the HMAC that turns a personnummer into a pseudonymous client id. */
    pseudonymKey: Type.String({ minLength: 16 }),
    maxBodyBytes: Type.Integer({ minimum: 1024, default: 5 * 1024 * 1024 }),
    topics: Type.Object(
      {
        partitions: Type.Integer({ minimum: 1, default: 6 }),
        retentionMs: Type.Integer({ minimum: -1, default: -1 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** What the dead-letter topic keeps: refused bodies must not fill the disk. */
    deadLetters: Type.Object(
      {
        retentionMs: Type.Integer({ minimum: 1, default: 30 * 24 * 3600 * 1000 }),
        retentionBytes: Type.Integer({ minimum: 1, default: 1024 * 1024 * 1024 }),
      },
      { additionalProperties: false, default: {} },
    ),
    calendar: Type.Object(
      {
        countFrom: Type.Union([Type.Literal('next-day'), Type.Literal('registration-day')], { default: 'next-day' }),
        extraDaysOff: Type.Array(Type.String(), { default: [] }),
      },
      { additionalProperties: false, default: {} },
    ),
    deadlines: Type.Object(
      {
        rulesFile: Type.String({ minLength: 1, default: 'deadline-rules.yaml' }),
        sweepIntervalMs: Type.Integer({ minimum: 10, default: 1000 }),
        leaseMs: Type.Integer({ minimum: 1000, default: 30_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    delivery: Type.Object(
      {
        maxAttempts: Type.Integer({ minimum: 1, default: 300 }),
        initialBackoffMs: Type.Integer({ minimum: 1, default: 500 }),
        maxBackoffMs: Type.Integer({ minimum: 1, default: 300_000 }),
        concurrency: Type.Integer({ minimum: 1, default: 32, description: 'Attempts under way at once, per receiving system' }),
        leaseMs: Type.Integer({ minimum: 1000, default: 60_000, description: 'How long an instance holds a delivery it attempts; more than any system timeout' }),
        pollIntervalMs: Type.Integer({ minimum: 10, default: 500 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** R-CONTACT-HOURS: notices to day-centre staff wait for a window; orders and urgent events go at once. */
    contactHours: Type.Object(
      {
        dayCentres: Type.Array(ContactWindows.items, {
          default: ['07:00-08:30', '15:00-16:30'],
          description: 'Default windows of the providers\' central, fallback and unit inboxes: early morning and afternoon, not while guests are there',
        }),
        urgent: Type.Array(Type.String({ minLength: 1 }), {
          default: [],
          description: 'Event types (CloudEvents type) that go at once like an order, e.g. se.brygga.deadline.warning.v1',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** API keys and OIDC (src/auth/); none at all: open, allowed on a loopback host only. */
    auth: AuthConfigSchema,
    /** One block per connector (connectors/index.ts); a system is on when its block is there. */
    systems: Type.Object(
      Object.fromEntries(CONNECTORS.map((c) => [c.system, Type.Optional(c.configSchema)])),
      { additionalProperties: false },
    ),
    providers: Type.Array(Provider, { minItems: 1 }),
    feeAdministratorInbox: Inbox,
    /** The case officers' manager, who reviews decisions not executed within three months (R-EXEC-3M). */
    sectionLeaderInbox: Inbox,
    /** The case officers' shared inbox, which gets the compiled participant lists (R-MONTHLY-LIST). */
    caseOfficersInbox: Inbox,
    homeCareTeams: Type.Object(
      { system: Type.String({ minLength: 1 }), addressType: Type.String({ minLength: 1 }) },
      { additionalProperties: false, description: 'Home-care teams are addressed by the team name the order carries' },
    ),
  },
  { additionalProperties: false },
);

export type BryggaConfig = Static<typeof ConfigSchema> & {
  /** Absolute path of the file the configuration was read from. */
  file: string;
};
