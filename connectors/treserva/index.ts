// Treserva (the city in 003): XML files through a file exchange, a local folder or SFTP. Reads
// Treserva's outgoing folder with a poller, writes into its incoming folder as the channel.
import type { Connector, ConnectorContext } from '../../src/connectors/connector.ts';
import { TreservaChannel } from './channel.ts';
import { TreservaConfig, openExchange, withDefaults } from './config.ts';
import type { FileExchange } from './exchange/exchange.ts';
import { parseTreservaFile } from './inbound.ts';
import { TreservaPoller } from './poller.ts';

export { TreservaConfig } from './config.ts';

// The poller and the channel of one configuration share one exchange (one kept SFTP connection).
const exchanges = new WeakMap<object, FileExchange>();
function exchangeOf(config: TreservaConfig): FileExchange {
  let exchange = exchanges.get(config);
  if (!exchange) exchanges.set(config, (exchange = openExchange(withDefaults(config))));
  return exchange;
}

export const treserva: Connector<TreservaConfig> = {
  system: 'treserva',
  configSchema: TreservaConfig,
  replayParse: (original, _contentType, _config, ctx) => parseTreservaFile(original, undefined, ctx),
  pollers: (config: TreservaConfig, ctx: ConnectorContext) => [new TreservaPoller(exchangeOf(config), withDefaults(config), ctx)],
  channel: (config: TreservaConfig) => {
    const resolved = withDefaults(config);
    return new TreservaChannel(exchangeOf(config), resolved.incomingDir, resolved.timeoutMs);
  },
};
