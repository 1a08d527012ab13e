// The fax and e-mail route (R-ORDER-FAX-FALLBACK): providers outside every system get their
// orders as a PDF by e-mail, or by fax through the municipality's e-mail-to-fax gateway, and
// answer by replying; the replies are read from an IMAP mailbox.
import type { Connector, ConnectorContext } from '../../src/connectors/connector.ts';
import { MailChannel } from './channel.ts';
import { MailConfig, withDefaults } from './config.ts';
import { MailPoller } from './poller.ts';
import { attachReply, readForReview } from './review.ts';

export { MailConfig } from './config.ts';

export const mail: Connector<MailConfig> = {
  system: 'mail',
  configSchema: MailConfig,
  pollers: (config: MailConfig, ctx: ConnectorContext) => [new MailPoller(withDefaults(config), ctx)],
  channel: (config: MailConfig, ctx: ConnectorContext) => new MailChannel(withDefaults(config), ctx.logger),
  attachFromReview: (config: MailConfig, original: Buffer, receivedAt: number, orderId: string) => attachReply(withDefaults(config), original, receivedAt, orderId),
  readForReview,
};
