// Test loggers write to the run's capture file (npm test sets BRYGGA_TEST_LOG_FILE), so that
// test/audit can check every log line the run produced for personal data.
import { pino, type DestinationStream } from 'pino';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.ts';

export function testLogDestination(): DestinationStream {
  const file = process.env.BRYGGA_TEST_LOG_FILE;
  return file ? pino.destination({ dest: file, append: true, sync: true, mkdir: true }) : pino.destination({ dest: '/dev/null', sync: true });
}

export function testLogger(): Logger {
  return createLogger({ level: 'debug', destination: testLogDestination() });
}
