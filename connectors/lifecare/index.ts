// Lifecare (Vellinge, Botkyrka): XML messages over HTTP in both directions.
import type { InboundConnector } from '../../src/api/inbound.ts';
import { parseLifecareMessage } from './inbound.ts';

export { LifecareChannel } from './channel.ts';

export const lifecareInbound: InboundConnector = { name: 'lifecare', parse: parseLifecareMessage };
