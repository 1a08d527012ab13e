// Lifecare (Vellinge, Botkyrka): XML messages over HTTP in both directions.
import { Type, type Static } from '@sinclair/typebox';
import type { Connector } from '../../src/connectors/connector.ts';
import { parseHttpIntake, registerHttpIntake, type HttpIntakeRoute } from '../../src/connectors/http-intake.ts';
import { LifecareChannel } from './channel.ts';
import { parseLifecareMessage } from './inbound.ts';

export const LifecareConfig = Type.Object(
  {
    endpoint: Type.String({ format: 'uri', pattern: '^https?://', description: 'Where Lifecare accepts messages' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);
export type LifecareConfig = Static<typeof LifecareConfig>;

const ROUTE: HttpIntakeRoute = { system: 'lifecare', mediaTypes: ['application/xml', 'text/xml'], parse: parseLifecareMessage };

export const lifecare: Connector<LifecareConfig> = {
  system: 'lifecare',
  configSchema: LifecareConfig,
  routes: (app, _config, ctx) => registerHttpIntake(app, ROUTE, ctx),
  replayParse: (original, contentType, _config, ctx) => parseHttpIntake(ROUTE, original, contentType, ctx),
  channel: (config) => new LifecareChannel(config),
};
