// Paraplysystemet (Stockholm): SOAP 1.1 in both directions.
import { Type, type Static } from '@sinclair/typebox';
import type { Connector } from '../../src/connectors/connector.ts';
import { ParaplyChannel } from './channel.ts';
import { readParaplyPost } from './inbound.ts';
import { registerParaplyRoutes } from './routes.ts';

export const ParaplyConfig = Type.Object(
  {
    endpoint: Type.String({ format: 'uri', pattern: '^https?://', description: 'Where Paraply takes Kvittens and Genomforandeplan' }),
    timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
    backdatedToleranceMs: Type.Integer({
      minimum: 0,
      default: 86_400_000,
      description: 'R-ORDER-WRITTEN: a written order registered longer than this before Brygga received it is flagged as back-dated',
    }),
  },
  { additionalProperties: false },
);
export type ParaplyConfig = Static<typeof ParaplyConfig>;

export const paraply: Connector<ParaplyConfig> = {
  system: 'paraply',
  configSchema: ParaplyConfig,
  routes: (app, config, ctx) => registerParaplyRoutes(app, { backdatedToleranceMs: config.backdatedToleranceMs ?? 86_400_000 }, ctx),
  replayParse: (original, contentType, config, ctx) => readParaplyPost(original, contentType, { ...ctx, backdatedToleranceMs: config.backdatedToleranceMs ?? 86_400_000 }).events,
  channel: (config) => new ParaplyChannel(config),
};
