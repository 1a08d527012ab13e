// A command that reads Brygga's data refuses, before it opens (and so creates) anything, a data
// directory where no Brygga ran: a mistyped BRYGGA_DATA_DIR is one clear line, not an empty answer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/settings.ts';
import { BryggaError } from '../errors.ts';

/** `parts`: what the command opens; each is checked only where it is embedded (not Kafka, not Redis). */
export function requireData(settings: Settings, parts: readonly ('bus' | 'store')[]): void {
  for (const part of parts) {
    const embedded = part === 'bus' ? !settings.kafkaBrokers : !settings.redisUrl;
    if (embedded && !existsSync(join(settings.dataDir, part))) {
      throw new BryggaError('BRY_NO_DATA', `${settings.dataDir} holds no Brygga ${part === 'bus' ? 'event log' : 'store'} (no ${part}/ in it): set BRYGGA_DATA_DIR to the data directory Brygga runs with`);
    }
  }
}
