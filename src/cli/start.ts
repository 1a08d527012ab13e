// `brygga start`: runs every part of Brygga in one process until SIGINT/SIGTERM.
import { Command } from 'commander';
import { settingsFromEnv } from '../config/settings.ts';
import { startBrygga } from '../main.ts';

export function startCommand(): Command {
  return new Command('start')
    .description('Start Brygga: connectors, router, delivery, deadlines and the HTTP API (embedded bus and store unless KAFKA_BROKERS / REDIS_URL are set)')
    .action(async () => {
      const running = await startBrygga(settingsFromEnv(process.env));
      const shutdown = (signal: string) => {
        running.logger.info({ signal }, 'stopping');
        running.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
}
